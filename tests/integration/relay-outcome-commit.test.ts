import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { insertQueuedTransfer } from '../../db/transfer-repository.ts'
import { runDeliveryRound } from '../../gateway/relay/delivery-worker.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { testDeliveryContext } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * The commit that records an SMTP outcome fails (as on a full disk): a kysely plugin on the
 * worker's database handle throws after the `UPDATE … status = 'delivered'` ran, inside its
 * transaction, so the transaction rolls back — `failures` times, then it lets them through.
 */
function failingDeliveredCommit(failures: number): KyselyPlugin & { failed: number } {
  const targets = new WeakSet<object>()
  const plugin = {
    failed: 0,
    transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
      if (node.kind === 'UpdateQueryNode' && JSON.stringify(node).includes('"delivered"'))
        targets.add(queryId)
      return node
    },
    transformResult({
      result,
      queryId,
    }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (targets.has(queryId) && plugin.failed < failures) {
        plugin.failed++
        return Promise.reject(new Error('simulated: database or disk is full'))
      }
      return Promise.resolve(result)
    },
  }
  return plugin
}

/**
 * The outcome of a handoff is kept in memory while its commit is tried again; when every try
 * fails, the transfer is left with its handoff marker, reconciled to `handoff_uncertain` after
 * the lease — and never sent a second time. One process, the test's clock, a real SMTP server.
 */
describe.each(dialects)('committing the SMTP outcome on %s', (dialect) => {
  let t: TestDeps
  let smtp: SmtpCapture
  let n = 0
  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    smtp = await startSmtpCapture()
  })
  afterAll(async () => {
    await smtp.close()
    await t.close()
  })

  /** A revocation notice (no second decision) with a plain test envelope, due now. */
  async function queueNotice(): Promise<{ id: string; messageId: string }> {
    const id = `trf_commit_${dialect}_${++n}`
    const messageId = `<${id}@brucke.test>`
    await insertQueuedTransfer(t.deps.db, {
      id,
      kind: 'revocation_notice',
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
      senderMailbox: 'u25@jc.example.test',
      recipientMailbox: 'ja@example.test',
      staffId: 'system',
      consentId: 'cns_commit',
      purpose: 'hilfeplanung',
      categories: ['schule'],
      subjectPseudonym: 'psn_commit',
      plaintextSha256: 'a'.repeat(64),
      envelopeSha256: 'b'.repeat(64),
      messageId,
      envelope: `From: u25@jc.example.test\r\nTo: ja@example.test\r\nMessage-ID: ${messageId}\r\n\r\n${id}\r\n`,
      at: t.clock.now(),
      giveUpAt: new Date(t.clock.now().getTime() + 86_400_000),
    })
    return { id, messageId }
  }

  const copiesOf = (messageId: string) => smtp.messages.filter((m) => m.messageId === messageId)
  const statusOf = async (id: string) =>
    (
      await t.deps.db
        .selectFrom('transfers')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status
  const auditTypesOf = async (id: string) =>
    (await listAuditEntries(t.deps.db, { limit: 10_000 }))
      .filter((e) => 'transferId' in e.event && e.event.transferId === id)
      .map((e) => e.event.type)

  it('when the commit after the 250 fails once, then the outcome kept in memory is committed on the next try: delivered, sent once', async () => {
    const { id, messageId } = await queueNotice()
    const failing = failingDeliveredCommit(1)
    const base = testDeliveryContext(t.deps, smtp.url)
    const ctx = { ...base, deps: { ...t.deps, db: t.deps.db.withPlugin(failing) } }
    try {
      expect(await runDeliveryRound(ctx)).toBe(1)
    } finally {
      ctx.mailer.close()
    }
    expect(failing.failed).toBe(1)
    expect(await statusOf(id)).toBe('delivered')
    expect(copiesOf(messageId)).toHaveLength(1)
    expect(await auditTypesOf(id)).toEqual(['transfer_delivered'])
  })

  it('when every try of the commit after the 250 fails, then the transfer is not sent again: after its lease it is handoff_uncertain, audited once', async () => {
    const { id, messageId } = await queueNotice()
    const failing = failingDeliveredCommit(Number.POSITIVE_INFINITY)
    const base = testDeliveryContext(t.deps, smtp.url)
    const broken = { ...base, deps: { ...t.deps, db: t.deps.db.withPlugin(failing) } }
    try {
      await expect(runDeliveryRound(broken)).rejects.toThrow('disk is full')
    } finally {
      broken.mailer.close()
    }
    expect(failing.failed).toBe(base.settings.outcomeCommitTries)
    expect(await statusOf(id)).toBe('queued')

    // The database is healthy again. Within the lease nothing happens; after it, the next round
    // reconciles the transfer instead of sending it.
    const healthy = testDeliveryContext(t.deps, smtp.url)
    try {
      expect(await runDeliveryRound(healthy)).toBe(0)
      t.clock.advance(healthy.settings.leaseMs + 1)
      expect(await runDeliveryRound(healthy)).toBe(0)
      t.clock.advance(healthy.settings.leaseMs * 10)
      expect(await runDeliveryRound(healthy)).toBe(0)
    } finally {
      healthy.mailer.close()
    }
    expect(await statusOf(id)).toBe('handoff_uncertain')
    expect(copiesOf(messageId)).toHaveLength(1)
    expect(await auditTypesOf(id)).toEqual(['transfer_handoff_uncertain'])
  })
})
