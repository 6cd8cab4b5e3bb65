import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findTransfer, insertQueuedTransfer } from '../../db/transfer-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { runBrucke, runBruckeInProcess } from '../support/cli.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const masterKey = Buffer.alloc(32, 7)
const tokenKey = Buffer.alloc(32, 8)
const sha = 'a'.repeat(64)

/** `brucke relay …` (issue 19 point 5) against the same database a gateway uses. */
describe.each(dialects)('brucke relay levers against %s', (dialect) => {
  let t: TestDeps
  let env: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect, { config: { secrets: { masterKey, tokenKey } } })
    await seedAccounts(t.deps)
    env = {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: masterKey.toString('base64'),
      BRUCKE_TOKEN_KEY: tokenKey.toString('base64'),
      DATABASE_URL: t.testDatabase.url,
      BRUCKE_DATA_DIR: mkdtempSync(join(tmpdir(), 'brucke-relay-cli-')),
    }
  }, 60_000)
  afterAll(async () => {
    await t.close()
  })

  /** A queued transfer as the relay stores it (its envelope is never sent in these tests). */
  async function queued(id: string, consentId = 'cns_gone'): Promise<void> {
    await insertQueuedTransfer(t.deps.db, {
      id,
      kind: 'transfer',
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
      senderMailbox: 'u25@jc-demo.example',
      recipientMailbox: 'jugendhilfe@ja-demo.example',
      staffId: 'staff-jc',
      consentId,
      purpose: 'hilfeplanung',
      categories: ['schule'],
      subjectPseudonym: 'psn_cli',
      plaintextSha256: sha,
      envelopeSha256: sha,
      messageId: `<${id}@jc-demo.example>`,
      envelope: 'sealed',
      at: t.clock.now(),
      giveUpAt: new Date(t.clock.now().getTime() + 86_400_000),
    })
  }

  // The file's commands run in this process (runBruckeInProcess: the same code minus main.ts)
  // because each start of the binary costs seconds; the first one starts the binary itself.
  const relay = (...args: string[]) => runBruckeInProcess(['relay', ...args], { env })
  const relayBinary = (...args: string[]) => runBrucke(['relay', ...args], { env })

  it('pauses, lists, and resumes a partner, audited as the CLI', async () => {
    await queued('trf_cli_paused')
    const paused = await relayBinary('pause', '--agency', 'ja-demo')
    expect(paused.code, paused.stderr).toBe(0)
    expect(paused.stdout).toMatch(/^Delivery to ja-demo paused since .* \(cli:relay\)\.$/m)
    const listed = await relay('paused')
    expect(listed.stdout).toMatch(/^ja-demo\tpaused since .*\tby cli:relay$/m)
    const resumed = await relay('resume', '--agency', 'ja-demo')
    expect(resumed.code, resumed.stderr).toBe(0)
    expect(resumed.stdout).toContain('Delivery to ja-demo resumed; 1 waiting transfer(s) due now.')
    expect((await relay('paused')).stdout).toContain('No partner is paused.')
    const unknown = await relay('pause', '--agency', 'nobody-x')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No agency with this id. (ERR_LEVER_AGENCY_UNKNOWN)')
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    expect(
      entries
        .filter((e) => e.event.type.startsWith('partner_delivery_'))
        .map((e) => [e.actor, e.event.type]),
    ).toEqual([
      ['cli:relay', 'partner_delivery_paused'],
      ['cli:relay', 'partner_delivery_resumed'],
    ])
  }, 300_000)

  it('cancels a queued transfer, and refuses to retry it or to cancel it twice', async () => {
    await queued('trf_cli_cancel')
    const cancelled = await relay('cancel', 'trf_cli_cancel')
    expect(cancelled.code, cancelled.stderr).toBe(0)
    expect(cancelled.stdout).toContain('Transfer trf_cli_cancel cancelled; it will not be sent.')
    expect(await findTransfer(t.deps.db, 'trf_cli_cancel')).toMatchObject({ status: 'cancelled' })
    const twice = await relay('cancel', 'trf_cli_cancel')
    expect(twice.code).toBe(1)
    expect(twice.stderr).toContain('(ERR_LEVER_NOT_WAITING)')
    const retry = await relay('retry', 'trf_cli_cancel')
    expect(retry.code).toBe(1)
    expect(retry.stderr).toContain('(ERR_LEVER_NOT_FAILED)')
    expect((await relay('retry', 'trf_nope')).stderr).toContain('(ERR_LEVER_NOT_FOUND)')
  }, 300_000)

  it('when the consent no longer covers a failed transfer, then the retry prints the deny reasons', async () => {
    await queued('trf_cli_failed', 'cns_never_existed')
    await t.deps.db
      .updateTable('transfers')
      .set({ status: 'failed', next_attempt_at: null })
      .where('id', '=', 'trf_cli_failed')
      .execute()
    const retry = await relay('retry', 'trf_cli_failed')
    expect(retry.code).toBe(1)
    expect(retry.stderr).toMatch(/not sent again\. Reasons: [a-z_]+.*\(transfer_denied\)/)
    expect(await findTransfer(t.deps.db, 'trf_cli_failed')).toMatchObject({ status: 'failed' })
  }, 300_000)

  it('brucke cert refresh-crls fetches every CRL now, audited as the shell with its counts', async () => {
    const run = await runBruckeInProcess(['cert', 'refresh-crls'], { env })
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/^0 CRL sources, 0 with a newer CRL, 0 failed\.$/m)
    const entries = await listAuditEntries(t.deps.db, { limit: 100_000 })
    expect(entries.at(-1)).toMatchObject({
      actor: 'system',
      event: { type: 'crl_refresh_requested', sources: 0, updated: 0, failed: 0 },
    })
  })
})
