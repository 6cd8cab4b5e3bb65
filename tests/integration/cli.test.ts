import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/database.ts'
import { createApp } from '../../gateway/app.ts'
import { scryptPasswords } from '../../gateway/auth/password.ts'
import { systemClock } from '../../gateway/deps.ts'
import { randomIds } from '../../gateway/ids.ts'
import { createLogger } from '../../gateway/logger.ts'
import { createRuntimeParts } from '../../gateway/runtime-parts.ts'
import { resolveConfig } from '../../gateway/runtime-config.ts'
import { loadConsentTextLibrary } from '../../templates/consent/load-consent-templates.ts'
import { runBrucke, runBruckeInProcess } from '../support/cli.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts'

const secret = (byte: number) => Buffer.alloc(32, byte).toString('base64')

describe('CLI configuration errors', () => {
  it('when a value is invalid, then start-up stops with a message naming the key and no stack trace', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'brucke-cli-'))
    // The binary itself, as an operator starts it; the file's other commands run in this process
    // (runBruckeInProcess: the same code minus main.ts) because each start costs seconds.
    const run = await runBrucke(['db', 'migrate'], {
      env: { PORT: 'not-a-port', BRUCKE_DATA_DIR: dataDir },
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('PORT (environment)')
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('when not in demo mode and the master key is missing, then the message names BRUCKE_MASTER_KEY', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'brucke-cli-'))
    const run = await runBrucke(['db', 'migrate'], {
      env: { BRUCKE_DEMO: 'false', BRUCKE_TOKEN_KEY: secret(1), BRUCKE_DATA_DIR: dataDir },
    })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('BRUCKE_MASTER_KEY')
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })

  it('when the database cannot be reached, then the message says so without a stack trace', async () => {
    const run = await runBrucke(['db', 'migrate'], {
      env: {
        BRUCKE_DEMO: 'false',
        BRUCKE_MASTER_KEY: secret(1),
        BRUCKE_TOKEN_KEY: secret(2),
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      },
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/cannot reach the database/)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  })
})

describe.each(dialects)('CLI against %s', (dialect) => {
  let database: TestDatabase
  let env: Record<string, string>

  beforeAll(async () => {
    database = await createTestDatabase(dialect, { migrate: false })
    env = {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: secret(3),
      BRUCKE_TOKEN_KEY: secret(4),
      DATABASE_URL: database.url,
      BRUCKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'brucke-cli-')),
    }
  })
  afterAll(async () => database.drop())

  it('migrates, registers an agency and an account, and issues a token the API accepts', async () => {
    // A real process against each database; the commands after it run in this process.
    const migrate = await runBrucke(['db', 'migrate'], { env })
    expect(migrate.stderr).toBe('')
    expect(migrate.code).toBe(0)
    expect(migrate.stdout).toContain('up to date')

    const add = await runBruckeInProcess(
      [
        'agency',
        'add',
        '--id',
        'jc-test',
        '--name',
        'Jobcenter Test',
        '--kind',
        'jobcenter',
        '--mailbox',
        'u25@jc-test.example',
      ],
      { env },
    )
    expect(add.code).toBe(0)
    const badKind = await runBruckeInProcess(
      [
        'agency',
        'add',
        '--id',
        'x-test',
        '--name',
        'X',
        '--kind',
        'ministry',
        '--mailbox',
        'x@x.example',
      ],
      { env },
    )
    expect(badKind.code).toBe(1)
    expect(badKind.stderr).toMatch(/kind/)
    expect(badKind.stderr).not.toMatch(/\n\s+at /)

    const list = await runBruckeInProcess(['agency', 'list', '--json'], { env })
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: 'jc-test', kind: 'jobcenter', smimeProfile: 'modern' }),
    ])

    const user = await runBruckeInProcess(
      [
        'user',
        'add',
        '--id',
        'fm-test',
        '--name',
        'Frau Test',
        '--role',
        'staff',
        '--agency',
        'jc-test',
      ],
      { env },
    )
    expect(user.code).toBe(0)
    expect(user.stdout).toMatch(/Password \(shown once\): \S+/)
    const kiosk = await runBruckeInProcess(
      ['kiosk', 'add', '--id', 'kiosk-test', '--agency', 'jc-test'],
      {
        env,
      },
    )
    expect(kiosk.code).toBe(0)

    const tokenRun = await runBruckeInProcess(['token', '--user', 'fm-test'], { env })
    expect(tokenRun.code).toBe(0)
    const token = tokenRun.stdout.trim()
    expect(token.split('.')).toHaveLength(3)
    const unknown = await runBruckeInProcess(['token', '--user', 'nobody'], { env })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No account nobody')

    // The token works against a gateway reading the same configuration.
    const config = resolveConfig(env, process.cwd())
    const opened = openDatabase(config.databaseUrl)
    const base = {
      config,
      database: opened,
      db: opened.db,
      clock: systemClock,
      ids: randomIds,
      log: createLogger('silent'),
      consentTexts: loadConsentTextLibrary(),
      passwords: scryptPasswords,
    }
    const { app } = createApp({ ...base, ...createRuntimeParts(base) })
    const server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    const port = (server.address() as { port: number }).port
    const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(await me.json()).toEqual({
      userId: 'fm-test',
      role: 'staff',
      agencyId: 'jc-test',
      allAgencies: false,
    })
    server.close()
    await opened.close()
    // Each command is a real process start (tsx + imports); on a loaded 2-core machine that adds up.
  }, 180_000)
})
