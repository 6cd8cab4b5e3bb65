import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { migrations } from '../../db/migrations/index.ts'
import { findTransfer, insertQueuedTransfer } from '../../db/transfer-repository.ts'
import { scryptPasswords } from '../../gateway/auth/password.ts'
import type { Deps } from '../../gateway/deps.ts'
import { randomIds } from '../../gateway/ids.ts'
import { createLogger } from '../../gateway/logger.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { newRevocationSweep } from '../../gateway/relay/revocation-notice.ts'
import { relaySettingsOf } from '../../gateway/relay/relay-settings.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { createRuntimeParts } from '../../gateway/runtime-parts.ts'
import { loadConsentTextLibrary } from '../../templates/consent/load-consent-templates.ts'
import { seedAccounts } from '../support/accounts.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { TestClock } from '../support/test-clock.ts'
import { testConfig } from '../support/test-deps.ts'

const jcMailbox = 'u25@jc-demo.example'
const jaMailbox = 'jugendhilfe@ja-demo.example'

/** A message as the relay seals it: outer headers with one bare address each, then the body. */
const sealedLike = (id: string, from: string, to: string, body = 'MIAGCSqGSIb3DQEHA6CAMIACAQ') =>
  [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: Bruecke transfer ${id}`,
    `Message-ID: <${id}@jc-demo.example>`,
    'MIME-Version: 1.0',
    '',
    body,
  ].join('\r\n')

/**
 * The SMTP envelope of a transfer is data stored when it is queued (migration 0403), not read
 * back out of the sealed message's headers. Revocation notices are used as the waiting rows:
 * the worker sends them without a second consent decision, so no consent has to exist.
 */
describe.each(dialects)('transfer mailboxes on %s', (dialect) => {
  let testDatabase: TestDatabase
  let deps: Deps
  let clock: TestClock
  let smtp: SmtpCapture
  let ctx: DeliveryContext
  let applied: string[]

  /** A transfer row as a release before 0403 wrote it (no mailbox columns), with its message. */
  async function insertAsBefore0403(input: { id: string; status: string; envelope?: string }) {
    const at = clock.now().toISOString()
    await testDatabase.database.db
      .insertInto('transfers')
      .values({
        id: input.id,
        kind: 'revocation_notice',
        status: input.status,
        sender_agency_id: 'jc-demo',
        recipient_agency_id: 'ja-demo',
        staff_id: 'system',
        consent_id: 'cns_before_0403',
        purpose: 'hilfeplanung',
        categories: '["schule"]',
        subject_pseudonym: 'psn_before_0403',
        request_id: null,
        related_transfer_ids: '[]',
        plaintext_sha256: 'a'.repeat(64),
        envelope_sha256: 'b'.repeat(64),
        message_id: `<${input.id}@jc-demo.example>`,
        attempts: 0,
        next_attempt_at: input.status === 'queued' ? at : null,
        give_up_at: new Date(clock.now().getTime() + 86_400_000).toISOString(),
        last_error: null,
        smtp_response: null,
        claimed_by: null,
        claim_expires_at: null,
        created_at: at,
        updated_at: at,
        delivered_at: input.status === 'delivered' ? at : null,
      })
      .execute()
    if (input.envelope !== undefined)
      await testDatabase.database.db
        .insertInto('transfer_outbox')
        .values({ transfer_id: input.id, envelope: input.envelope, created_at: at })
        .execute()
  }

  async function drain(): Promise<void> {
    while ((await runDeliveryRound(ctx)) > 0) {
      /* until nothing is due */
    }
  }

  beforeAll(async () => {
    smtp = await startSmtpCapture()
    clock = new TestClock()
    testDatabase = await createTestDatabase(dialect, { migrate: false })
    // The database as the release before 0403 left it.
    const { '0403-transfer-mailboxes': _added, ...older } = migrations
    await migrateToLatest(testDatabase.database, older)
    const base = {
      config: testConfig({ databaseUrl: testDatabase.url }),
      database: testDatabase.database,
      db: testDatabase.database.db,
      clock,
      ids: randomIds,
      log: createLogger('silent'),
      consentTexts: loadConsentTextLibrary(),
      passwords: scryptPasswords,
    }
    deps = { ...base, ...createRuntimeParts(base) }
    await seedAccounts(deps)
    await insertAsBefore0403({
      id: 'rvn_waiting',
      status: 'queued',
      // A "From:" in the body is not a header and must not be taken for one.
      envelope: sealedLike('rvn_waiting', jcMailbox, jaMailbox, 'From: someone@else.example'),
    })
    await insertAsBefore0403({ id: 'rvn_delivered', status: 'delivered' })
    await insertAsBefore0403({
      id: 'rvn_unreadable',
      status: 'queued',
      envelope: sealedLike('rvn_unreadable', `"Jobcenter" <${jcMailbox}>`, jaMailbox),
    })
    applied = (await migrateToLatest(testDatabase.database)).applied
    ctx = {
      deps,
      mailer: createSmtpMailer(smtp.url),
      settings: relaySettingsOf(deps.config),
      workerId: 'mailbox-test-worker',
      revocationSweep: newRevocationSweep(),
      random: () => 0.5,
    }
  }, 120_000)
  afterAll(async () => {
    ctx?.mailer.close()
    await smtp?.close()
    await testDatabase?.drop()
  })

  it('when a deployment upgrades, then 0403 fills the mailboxes of waiting transfers from their headers once, and leaves settled and unreadable ones empty', async () => {
    expect(applied).toEqual(['0403-transfer-mailboxes'])
    expect(await findTransfer(deps.db, 'rvn_waiting')).toMatchObject({
      senderMailbox: jcMailbox,
      recipientMailbox: jaMailbox,
    })
    for (const id of ['rvn_delivered', 'rvn_unreadable'])
      expect(await findTransfer(deps.db, id), id).toMatchObject({
        senderMailbox: null,
        recipientMailbox: null,
      })
    expect((await migrateToLatest(testDatabase.database)).applied).toEqual([])
  })

  it('when the worker delivers, then it sends from and to the stored mailboxes, and fails a transfer without them instead of sending it to an empty address', async () => {
    await drain()
    expect(smtp.messages.map((m) => [m.messageId, m.from, m.to])).toEqual([
      ['<rvn_waiting@jc-demo.example>', jcMailbox, [jaMailbox]],
    ])
    expect(await findTransfer(deps.db, 'rvn_waiting')).toMatchObject({ status: 'delivered' })
    const unreadable = await findTransfer(deps.db, 'rvn_unreadable')
    expect(unreadable).toMatchObject({ status: 'failed', nextAttemptAt: null })
    expect(unreadable?.lastError).toContain('no stored sender or recipient mailbox')
    const failed = (await listAuditEntries(deps.db, { limit: 1000 })).filter(
      (e) => e.event.type === 'transfer_failed',
    )
    expect(failed.map((e) => e.event)).toEqual([
      expect.objectContaining({ transferId: 'rvn_unreadable', permanent: true }),
    ])
  })

  it('when the headers of a queued message name other addresses, then the worker still uses the stored ones', async () => {
    smtp.messages.length = 0
    await insertQueuedTransfer(deps.db, {
      id: 'rvn_stored',
      kind: 'revocation_notice',
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
      senderMailbox: jcMailbox,
      recipientMailbox: jaMailbox,
      staffId: 'system',
      consentId: 'cns_stored',
      purpose: 'hilfeplanung',
      categories: ['schule'],
      subjectPseudonym: 'psn_stored',
      plaintextSha256: 'c'.repeat(64),
      envelopeSha256: 'd'.repeat(64),
      messageId: '<rvn_stored@jc-demo.example>',
      envelope: sealedLike('rvn_stored', 'spoof@elsewhere.example', 'other@elsewhere.example'),
      at: clock.now(),
      giveUpAt: new Date(clock.now().getTime() + 86_400_000),
    })
    await drain()
    expect(smtp.messages.map((m) => [m.from, m.to])).toEqual([[jcMailbox, [jaMailbox]]])
  })
})
