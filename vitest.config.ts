import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests share one PostgreSQL server; each file creates its own schema.
    pool: 'forks',
    // Vitest's default here is one worker (cores − 1 on a 2-core machine), which runs the files one
    // after another although most of them wait on child processes, SMTP and PostgreSQL. Two
    // workers — still bounded by the core count — overlap that waiting.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
})
