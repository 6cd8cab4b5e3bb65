// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const domainFolders = ['consent', 'crypto', 'audit', 'accounts', 'errors']

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'tests/browser/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'off',
    },
  },
  // The domain is pure: it must not reach into the adapters (docs/design.md §4).
  {
    files: domainFolders.map((folder) => `${folder}/**/*.ts`),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/gateway/**', '**/gateway'],
              message: 'Domain folders must not import gateway/.',
            },
            { group: ['**/db/**', '**/db'], message: 'Domain folders must not import db/.' },
            {
              group: ['kysely', 'express', 'pg', 'better-sqlite3', 'nodemailer', 'smtp-server'],
              message: 'Domain folders stay free of I/O adapters.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        {
          name: 'process',
          message: 'Configuration is passed in; only gateway/main reads process.',
        },
      ],
    },
  },
  // Views render the view model they are given: they never reach up into the gateway, the
  // database or express (ARCHITECTURE.md). Shared view models and formatting helpers live in
  // templates/pages/view-models/, which the gateway may import.
  {
    files: ['templates/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/gateway/**', '**/gateway'],
              message: 'Views must not import gateway/: give the view a view model.',
            },
            {
              group: ['**/db/**', '**/db'],
              message:
                'Views must not import db/ (row types included): give the view a view model.',
            },
            { group: ['express', 'kysely'], message: 'Views stay free of I/O adapters.' },
          ],
        },
      ],
    },
  },
  // Tests use asymmetric matchers (expect.any) and parse JSON responses freely.
  {
    files: ['tests/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
)
