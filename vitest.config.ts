import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one PostgreSQL server; each file creates its own schema.
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
})
