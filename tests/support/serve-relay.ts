import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import type { DialectName } from '../../db/database.ts'
import { submitTransfer, type TransferInput } from '../../gateway/relay/transfer-service.ts'
import { seedAccounts } from './accounts.ts'
import { freePort, startBruckeServe } from './cli.ts'
import { signAtKioskOverApi } from './consents.ts'
import { startTestServer, type TestServer } from './http-client.ts'
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.ts'
import { createRelayPki, registerRelayPki } from './smtp-relay-setup.ts'
import { TestClock } from './test-clock.ts'
import { createTestDeps, type TestDeps } from './test-deps.ts'

/**
 * Real `brucke serve` child processes delivering from the test database to a real SMTP capture:
 * an active consent of jc-demo → ja-demo, a PKI current at the real time (the children read the
 * system clock), and the helpers the relay process tests share.
 */
export interface ServeRelay {
  t: TestDeps
  smtp: SmtpCapture
  /** Queues `n` transfers under the consent (as the API does) and returns their ids. */
  submitMany(n: number): Promise<string[]>
  /** Starts `brucke serve` on the test database with the given lease and heartbeat. */
  serve(options?: {
    leaseSeconds?: number
    heartbeatSeconds?: number
  }): Promise<{ child: ChildProcess; stop: () => Promise<number | null> }>
  /** Waits until none of `ids` is `queued` or `retrying` any more; throws with the rows else. */
  waitUntilSettled(ids: string[], timeoutMs: number): Promise<void>
  /** The audit event types per transfer id, in order. */
  auditOf(ids: string[]): Promise<Map<string, string[]>>
  /** How many times the SMTP server received each Message-ID. */
  copiesByMessageId(): Map<string, number>
  close(): Promise<void>
}

export async function startServeRelay(dialect: DialectName): Promise<ServeRelay> {
  const now = new Date()
  const relayPki = await createRelayPki({ at: now })
  const crl = relayPki.pki.buildCrl({
    serialNumbers: [],
    revokedAt: now,
    thisUpdate: new Date(now.getTime() - 86_400_000),
    nextUpdate: new Date(now.getTime() + 30 * 86_400_000),
  })
  writeFileSync(join(relayPki.dir, 'ca.crl.pem'), crl.pem)
  const smtp = await startSmtpCapture()
  const t = await createTestDeps(dialect, { clock: new TestClock(now) })
  const { tokens } = await seedAccounts(t.deps)
  await registerRelayPki(t.deps, relayPki)
  const server: TestServer = await startTestServer(t.deps)
  const validUntil = new Date(now.getTime() + 180 * 86_400_000).toISOString().slice(0, 10)
  const draft = await server.api('POST', '/consents', {
    token: tokens['staff-jc'],
    body: {
      kind: 'einwilligung',
      subject: { givenName: 'Mara', familyName: 'Lindqvist', birthDate: '2004-02-11' },
      senders: ['jc-demo'],
      recipients: ['ja-demo'],
      purposes: ['hilfeplanung'],
      categories: ['schule', 'berufswahl'],
      validUntil,
    },
  })
  const drafted = draft.body as { id: string; kioskCode: string }
  const signed = await signAtKioskOverApi(server, {
    kioskToken: tokens['kiosk-jc'] as string,
    kioskCode: drafted.kioskCode,
    consentId: drafted.id,
    signature: { role: 'youth', name: 'Mara Lindqvist' },
  })
  expect(signed.status, JSON.stringify(signed.body)).toBe(200)
  const body: TransferInput = {
    consentId: drafted.id,
    to: 'ja-demo',
    purpose: 'hilfeplanung',
    necessity: 'Abstimmung der Hilfeplanung vor dem gemeinsamen Gespräch.',
    sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss im Sommer erwartet.' }],
  }
  const children = new Set<ChildProcess>()

  return {
    t,
    smtp,
    async submitMany(n) {
      const ids: string[] = []
      for (let i = 0; i < n; i++) {
        const { id } = await submitTransfer(t.deps, {
          caller: { actor: 'user:staff-jc', userId: 'staff-jc', agencyId: 'jc-demo' },
          transfer: body,
          channel: 'api',
        })
        ids.push(id)
      }
      return ids
    },
    async serve({ leaseSeconds = 2, heartbeatSeconds = 1 } = {}) {
      const started = await startBruckeServe({
        env: {
          PORT: String(await freePort()),
          DATABASE_URL: t.testDatabase.url,
          SMTP_URL: smtp.url,
          SMTP_INGRESS_PORT: '0',
          INBOUND_SMTP_PORT: '0',
          BRUCKE_DEMO: 'false',
          BRUCKE_MASTER_KEY: t.deps.config.secrets.masterKey.toString('base64'),
          BRUCKE_TOKEN_KEY: t.deps.config.secrets.tokenKey.toString('base64'),
          BRUCKE_DATA_DIR: t.deps.config.dataDir,
          RELAY_POLL_MS: '30',
          RELAY_LEASE_SECONDS: String(leaseSeconds),
          RELAY_HEARTBEAT_SECONDS: String(heartbeatSeconds),
          LOG_LEVEL: 'warn',
        },
      })
      children.add(started.child)
      started.child.once('close', () => children.delete(started.child))
      return started
    },
    async waitUntilSettled(ids, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const rows = await t.deps.db
          .selectFrom('transfers')
          .select(['id', 'status'])
          .where('id', 'in', ids)
          .execute()
        if (rows.every((r) => r.status !== 'queued' && r.status !== 'retrying')) return
        if (Date.now() > deadline) throw new Error(`not settled: ${JSON.stringify(rows)}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    },
    async auditOf(ids) {
      const entries = await listAuditEntries(t.deps.db, { limit: 100_000 })
      const byTransfer = new Map<string, string[]>()
      for (const e of entries) {
        const id = 'transferId' in e.event ? e.event.transferId : undefined
        if (typeof id === 'string' && ids.includes(id))
          byTransfer.set(id, [...(byTransfer.get(id) ?? []), e.event.type])
      }
      return byTransfer
    },
    copiesByMessageId() {
      const seen = new Map<string, number>()
      for (const m of smtp.messages)
        seen.set(m.messageId ?? '', (seen.get(m.messageId ?? '') ?? 0) + 1)
      return seen
    },
    async close() {
      // A test that failed half-way may leave a child running: never leave it behind.
      for (const child of children) child.kill('SIGKILL')
      await server.close()
      await smtp.close()
      await t.close()
    },
  }
}
