import { mkdtempSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/database.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { addAgency, addUser } from '../../gateway/accounts/account-service.ts'
import { issueApiToken } from '../../gateway/accounts/issue-api-token.ts'
import { createApp } from '../../gateway/app.ts'
import { checkPasswordLogin } from '../../gateway/auth/password-login.ts'
import { createSession } from '../../gateway/auth/sessions.ts'
import { systemClock, type Deps } from '../../gateway/deps.ts'
import { randomIds } from '../../gateway/ids.ts'
import { createLogger } from '../../gateway/logger.ts'
import { createRuntimeParts } from '../../gateway/runtime-parts.ts'
import { resolveConfig } from '../../gateway/runtime-config.ts'
import { runBrucke, runBruckeInProcess } from '../support/cli.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts'
import { scryptPasswords } from '../../gateway/auth/password.ts'
import { loadConsentTextLibrary } from '../../templates/consent/load-consent-templates.ts'

const secret = (byte: number) => Buffer.alloc(32, byte).toString('base64')
const password = 'a long enough password'

describe.each(dialects)('taking access away with the CLI against %s', (dialect) => {
  let database: TestDatabase
  let env: Record<string, string>
  let opened: Database
  let deps: Deps
  let server: Server
  let baseUrl: string

  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    env = {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: secret(5),
      BRUCKE_TOKEN_KEY: secret(6),
      DATABASE_URL: database.url,
      BRUCKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'brucke-cli-')),
      TOKEN_TTL_MINUTES: '120',
    }
    // A gateway reading the same configuration, in this process, to try the tokens against.
    const config = resolveConfig(env, process.cwd())
    opened = openDatabase(config.databaseUrl)
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
    deps = { ...base, ...createRuntimeParts(base) }
    await addAgency(deps, {
      actor: 'system',
      agency: { id: 'jc-cli', name: 'Jobcenter CLI', kind: 'jobcenter', mailbox: 'u25@jc.example' },
    })
    for (const [id, role] of [
      ['fm-cli', 'staff'],
      ['kiosk-cli', 'kiosk'],
    ] as const)
      await addUser(deps, {
        actor: 'system',
        user: { id, displayName: `Test ${id}`, role, agencyId: 'jc-cli', password },
      })
    server = createApp(deps).app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })
  afterAll(async () => {
    server?.close()
    await opened?.close()
    await database?.drop()
  })

  const meStatus = async (token: string) =>
    (await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status

  it('issues a token with its jti, revokes it by jti and all of an account’s tokens by --user, each audited as cli:accounts', async () => {
    // The binary itself, as an operator starts it; the other commands run in this process
    // (runBruckeInProcess: the same code minus main.ts) because each start costs seconds.
    const issued = await runBrucke(['token', '--user', 'fm-cli'], { env })
    expect(issued.code, issued.stderr).toBe(0)
    const token = issued.stdout.trim()
    expect(token.split('.')).toHaveLength(3)
    const jti = /Token id \(jti\) (\S+),/.exec(issued.stderr)?.[1]
    expect(jti).toMatch(/^tok_/)
    expect(await meStatus(token)).toBe(200)

    const revoked = await runBruckeInProcess(['token', 'revoke', '--jti', jti!], { env })
    expect(revoked.code, revoked.stderr).toBe(0)
    expect(revoked.stdout).toContain(`Token ${jti} of fm-cli revoked.`)
    expect(await meStatus(token)).toBe(401)

    const asJson = await runBruckeInProcess(['token', '--user', 'fm-cli', '--json'], { env })
    expect(asJson.code, asJson.stderr).toBe(0)
    const second = JSON.parse(asJson.stdout) as { token: string; tokenId: string }
    expect(second.tokenId).not.toBe(jti)
    expect(await meStatus(second.token)).toBe(200)
    const all = await runBruckeInProcess(['token', 'revoke', '--user', 'fm-cli'], { env })
    expect(all.code, all.stderr).toBe(0)
    expect(all.stdout).toMatch(/Every token of fm-cli issued up to \S+ is revoked\./)
    expect(await meStatus(second.token)).toBe(401)

    const neither = await runBruckeInProcess(['token', 'revoke'], { env })
    expect(neither.code).toBe(1)
    expect(neither.stderr).toContain('either --jti <id> or --user <id>')
    const tooLong = await runBruckeInProcess(
      ['token', '--user', 'fm-cli', '--ttl-minutes', '121'],
      { env },
    )
    expect(tooLong.code).toBe(1)
    expect(tooLong.stderr).toContain('from 1 to 120 (TOKEN_TTL_MINUTES)')

    const entries = await listAuditEntries(deps.db, { limit: 1000 })
    expect(
      entries
        .filter((e) => e.actor === 'cli:accounts')
        .map((e) => [e.event.type, (e.event as { tokenId?: string }).tokenId]),
    ).toEqual([
      ['token_issued', jti],
      ['token_revoked', jti],
      ['token_issued', second.tokenId],
      ['tokens_revoked', undefined],
    ])
  }, 120_000)

  it('disables a lost kiosk in one step, refuses a non-kiosk under `kiosk` and an unknown account with exit 1, and enables again', async () => {
    const kioskToken = (await issueApiToken(deps, { actor: 'system', userId: 'kiosk-cli' })).token
    expect(await meStatus(kioskToken)).toBe(200)

    const notAKiosk = await runBruckeInProcess(['kiosk', 'disable', '--kiosk', 'fm-cli'], { env })
    expect(notAKiosk.code).toBe(1)
    expect(notAKiosk.stderr).toContain('fm-cli is not a kiosk device')
    const unknown = await runBruckeInProcess(['user', 'disable', '--user', 'nobody'], { env })
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No account nobody.')
    expect(unknown.stderr).not.toMatch(/\n\s+at /)

    const disabled = await runBruckeInProcess(['kiosk', 'disable', '--kiosk', 'kiosk-cli'], { env })
    expect(disabled.code, disabled.stderr).toBe(0)
    expect(disabled.stdout).toMatch(
      /^kiosk-cli disabled: 0 session\(s\) ended, .*kiosk state wiped\./,
    )
    expect(await meStatus(kioskToken)).toBe(401)

    const enabled = await runBruckeInProcess(['user', 'enable', '--user', 'kiosk-cli'], { env })
    expect(enabled.code, enabled.stderr).toBe(0)
    expect(enabled.stdout).toContain('kiosk-cli enabled.')
    expect(await meStatus(kioskToken)).toBe(401)
    const types = (await listAuditEntries(deps.db, { limit: 1000 }))
      .filter((e) => e.actor === 'cli:accounts' && 'userId' in e.event)
      .filter((e) => (e.event as { userId: string }).userId === 'kiosk-cli')
      .map((e) => e.event.type)
    expect(types).toEqual(['account_disabled', 'account_enabled'])
  }, 120_000)

  it('resets a password (printed once; the old one refused) and ends sessions', async () => {
    const now = new Date()
    await createSession(deps.db, 'fm-cli', now)
    const reset = await runBruckeInProcess(['user', 'reset-password', '--user', 'fm-cli'], { env })
    expect(reset.code, reset.stderr).toBe(0)
    expect(reset.stdout).toContain('Password of fm-cli reset: 1 session(s) ended')
    const fresh = /New password \(shown once\): (\S+)/.exec(reset.stdout)?.[1] ?? ''
    expect(fresh).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/)
    const login = (attempt: string) =>
      checkPasswordLogin(deps, { username: 'fm-cli', password: attempt, at: new Date() })
    expect((await login(password)).ok).toBe(false)
    expect((await login(fresh)).ok).toBe(true)

    await createSession(deps.db, 'fm-cli', now)
    await createSession(deps.db, 'fm-cli', now)
    const ended = await runBruckeInProcess(['user', 'end-sessions', '--user', 'fm-cli'], { env })
    expect(ended.code, ended.stderr).toBe(0)
    expect(ended.stdout).toContain('2 session(s) of fm-cli ended.')
    const rows = await deps.db
      .selectFrom('sessions')
      .select('user_id')
      .where('user_id', '=', 'fm-cli')
      .execute()
    expect(rows).toEqual([])
    const entries = await listAuditEntries(deps.db, { limit: 1000 })
    expect(JSON.stringify(entries)).not.toContain(fresh)
    expect(
      entries
        .filter((e) => e.event.type === 'password_reset' || e.event.type === 'sessions_ended')
        .map((e) => [e.actor, e.event.type]),
    ).toEqual([
      ['cli:accounts', 'password_reset'],
      ['cli:accounts', 'sessions_ended'],
    ])
  }, 120_000)
})
