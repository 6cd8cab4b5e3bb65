import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { runDeliveryRound, type DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signedEinwilligung } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
} from '../support/smtp-relay-setup.ts'
import { createTestDeps, testConfig, type TestDeps } from '../support/test-deps.ts'

const subject = { givenName: 'Wiebke', familyName: 'Ostergaard', birthDate: '2006-04-21' }
const metricsToken = randomBytes(32).toString('base64url')

/** One sample of the Prometheus text format: name, labels, value. */
interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/** Parses prom-client's text exposition (format 0.0.4): comments skipped, one sample a line. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!match) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const pair of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1] as string] = pair[2] as string
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) })
  }
  return samples
}

/** The value of the one sample with this name and (at least) these labels; 0 when absent. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} is not one sample`)
  return found[0]?.value ?? 0
}

describe.each(dialects)('metrics on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let smtp: SmtpCapture
  let ctx: DeliveryContext

  beforeAll(async () => {
    const relayPki = await createRelayPki()
    smtp = await startSmtpCapture()
    const base = testConfig()
    t = await createTestDeps(dialect, {
      config: { secrets: { ...base.secrets, metricsToken } },
    })
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    ctx = testDeliveryContext(t.deps, smtp.url)
  }, 120_000)
  afterAll(async () => {
    ctx.mailer.close()
    await server.close()
    await smtp.close()
    await t.close()
  })
  beforeEach(() => {
    smtp.mode = 'accept'
  })

  async function token(userId: 'staff-jc' | 'kiosk-jc'): Promise<string> {
    const [role, agencyId] = userId === 'staff-jc' ? ['staff', 'jc-demo'] : ['kiosk', 'jc-demo']
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role: role as 'staff' | 'kiosk',
      agencyId,
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }

  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const res = await fetch(`${server.url}/api/v1/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    return { text, samples: parseExposition(text) }
  }

  async function submit(consentId: string, categories: string[]) {
    return server.api('POST', '/transfers', {
      token: await token('staff-jc'),
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung des Hilfeplans vor dem Gespräch.',
        sections: categories.map((category) => ({
          category,
          title: 'Stand',
          body: 'Der Stand der Dinge.',
        })),
      },
    })
  }

  it('refuses a scrape without the token, with a wrong one and with an account token', async () => {
    const none = await fetch(`${server.url}/api/v1/metrics`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /)
    const wrong = await fetch(`${server.url}/api/v1/metrics`, {
      headers: { authorization: `Bearer ${metricsToken.slice(0, -1)}x` },
    })
    expect(wrong.status).toBe(401)
    const staff = await fetch(`${server.url}/api/v1/metrics`, {
      headers: { authorization: `Bearer ${await token('staff-jc')}` },
    })
    expect(staff.status).toBe(401)
    expect(await staff.text()).not.toContain('brucke_')
  })

  it('is off (404) when no METRICS_TOKEN is configured', async () => {
    const { metricsToken: _set, ...secrets } = t.deps.config.secrets
    const off = await startTestServer({ ...t.deps, config: { ...t.deps.config, secrets } })
    try {
      const res = await fetch(`${off.url}/api/v1/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      })
      expect(res.status).toBe(404)
      expect(await res.text()).not.toContain('brucke_')
    } finally {
      await off.close()
    }
  })

  it('counts a delivered transfer, a retry, a failure and the decisions by the right amounts', async () => {
    const consentId = await signedEinwilligung(server, {
      staffToken: await token('staff-jc'),
      kioskToken: await token('kiosk-jc'),
      subject,
      purpose: 'hilfeplanung',
      categories: ['schule', 'berufswahl'],
    })
    const before = (await scrape()).samples

    // A permitted transfer, queued, delivered 3 s later (the test clock moves, the worker reads it).
    const first = await submit(consentId, ['schule'])
    expect(first.status, JSON.stringify(first.body)).toBe(202)
    const queued = (await scrape()).samples
    expect(valueOf(queued, 'brucke_transfer_queue_depth', { status: 'queued' })).toBe(1)
    t.clock.advance(3_000)
    expect(await runDeliveryRound(ctx)).toBe(1)

    // A denied one (a category the consent does not cover) and a dry-run check that permits.
    const denied = await submit(consentId, ['gesundheit'])
    expect(denied.status).toBe(403)
    const check = await server.api('POST', '/decisions', {
      token: await token('staff-jc'),
      body: { consentId, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['berufswahl'] },
    })
    expect(check.status, JSON.stringify(check.body)).toBe(200)

    // A second permitted one: the server answers 451 (retry), is down (retry), then 554 (failed).
    const second = await submit(consentId, ['berufswahl'])
    expect(second.status).toBe(202)
    smtp.mode = 'tempfail'
    expect(await runDeliveryRound(ctx)).toBe(1)
    const retrying = (await scrape()).samples
    expect(valueOf(retrying, 'brucke_transfer_queue_depth', { status: 'retrying' })).toBe(1)
    expect(valueOf(retrying, 'brucke_transfer_queue_depth', { status: 'queued' })).toBe(0)
    await smtp.down()
    t.clock.advance(60 * 60_000) // past any backoff
    try {
      expect(await runDeliveryRound(ctx)).toBe(1)
    } finally {
      await smtp.up()
    }
    smtp.mode = 'permfail'
    t.clock.advance(60 * 60_000)
    expect(await runDeliveryRound(ctx)).toBe(1)

    const after = (await scrape()).samples
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels)

    expect(delta('brucke_decisions_total', { stage: 'transfer', outcome: 'permit' })).toBe(2)
    expect(delta('brucke_decisions_total', { stage: 'transfer', outcome: 'deny' })).toBe(1)
    expect(
      delta('brucke_decision_deny_reasons_total', {
        stage: 'transfer',
        reason: 'category_not_covered',
      }),
    ).toBe(1)
    expect(delta('brucke_decisions_total', { stage: 'check', outcome: 'permit' })).toBe(1)
    // Each of the four delivery attempts decided again first.
    expect(delta('brucke_decisions_total', { stage: 'delivery', outcome: 'permit' })).toBe(4)

    expect(delta('brucke_delivery_attempts_total', { outcome: 'delivered' })).toBe(1)
    expect(delta('brucke_delivery_attempts_total', { outcome: 'retrying' })).toBe(2)
    expect(delta('brucke_delivery_attempts_total', { outcome: 'failed' })).toBe(1)
    expect(delta('brucke_delivery_failures_total', { reason: 'smtp_4xx' })).toBe(1)
    expect(delta('brucke_delivery_failures_total', { reason: 'connection' })).toBe(1)
    expect(delta('brucke_delivery_failures_total', { reason: 'smtp_5xx' })).toBe(1)
    expect(delta('brucke_delivery_failures_total', { reason: 'other' })).toBe(0)

    expect(delta('brucke_delivery_latency_seconds_count')).toBe(1)
    expect(delta('brucke_delivery_latency_seconds_sum')).toBe(3)
    expect(delta('brucke_delivery_latency_seconds_bucket', { le: '2.5' })).toBe(0)
    expect(delta('brucke_delivery_latency_seconds_bucket', { le: '5' })).toBe(1)

    expect(valueOf(after, 'brucke_transfer_queue_depth', { status: 'queued' })).toBe(0)
    expect(valueOf(after, 'brucke_transfer_queue_depth', { status: 'retrying' })).toBe(0)

    const transfers = { method: 'POST', route: '/api/v1/transfers' }
    expect(delta('brucke_http_requests_total', { ...transfers, status_class: '2xx' })).toBe(2)
    expect(delta('brucke_http_requests_total', { ...transfers, status_class: '4xx' })).toBe(1)
    const scrapes = { method: 'GET', route: '/api/v1/metrics', status_class: '2xx' }
    expect(delta('brucke_http_requests_total', scrapes)).toBe(3) // the ones between the two
  })

  it('reports certificate expiry, CRL age and the audit head and checkpoint as the database holds them', async () => {
    await writeCheckpoint(t.deps)
    t.clock.advance(90_000)
    const { samples } = await scrape()
    const now = t.clock.now().getTime()

    const certificates = await t.deps.db
      .selectFrom('agency_certificates')
      .select(['agency_id', 'id', 'not_after'])
      .where('status', '=', 'active')
      .execute()
    expect(certificates.length).toBeGreaterThan(0)
    for (const c of certificates) {
      const days = valueOf(samples, 'brucke_certificate_expiry_days', {
        agency: c.agency_id,
        fingerprint: c.id,
      })
      expect(days).toBeCloseTo((Date.parse(c.not_after) - now) / 86_400_000, 6)
    }
    expect(samples.filter((s) => s.name === 'brucke_certificate_expiry_days')).toHaveLength(
      certificates.length,
    )

    const crls = await t.deps.db.selectFrom('crl_cache').selectAll().execute()
    expect(crls.length).toBe(1) // read when the transfers validated the certificates
    const crl = crls[0]!
    expect(valueOf(samples, 'brucke_crl_age_seconds', { trust_anchor: crl.trust_anchor_id })).toBe(
      (now - Date.parse(crl.this_update)) / 1000,
    )

    const head = await t.deps.db
      .selectFrom('audit_head')
      .select('last_seq')
      .executeTakeFirstOrThrow()
    expect(valueOf(samples, 'brucke_audit_head_seq')).toBe(Number(head.last_seq))
    expect(valueOf(samples, 'brucke_audit_last_checkpoint_age_seconds')).toBe(90)
  })

  it('carries process metrics only on a gateway that started them', async () => {
    expect((await scrape()).samples.some((s) => s.name === 'process_resident_memory_bytes')).toBe(
      false,
    )
    t.deps.metrics.collectProcessMetrics()
    const { samples } = await scrape()
    expect(valueOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(valueOf(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
  })

  it('counts a failing database read and still answers the scrape without that gauge', async () => {
    const before = (await scrape()).samples
    await sql`alter table crl_cache rename to crl_cache_away`.execute(t.deps.db)
    try {
      const { samples } = await scrape()
      expect(samples.some((s) => s.name === 'brucke_crl_age_seconds')).toBe(false)
      expect(
        valueOf(samples, 'brucke_db_errors_total', { kind: 'other' }) -
          valueOf(before, 'brucke_db_errors_total', { kind: 'other' }),
      ).toBe(1)
      expect(valueOf(samples, 'brucke_audit_head_seq')).toBeGreaterThan(0)
    } finally {
      await sql`alter table crl_cache_away rename to crl_cache`.execute(t.deps.db)
    }
  })

  it('names no person, pseudonym, consent or transfer in any label', async () => {
    const { text } = await scrape()
    const rows = await t.deps.db
      .selectFrom('transfers')
      .select(['id', 'consent_id', 'subject_pseudonym', 'staff_id'])
      .execute()
    expect(rows.length).toBeGreaterThan(0)
    const forbidden = [subject.givenName, subject.familyName, subject.birthDate]
    for (const r of rows) forbidden.push(r.id, r.consent_id, r.subject_pseudonym, r.staff_id)
    for (const value of forbidden) expect(text).not.toContain(value)
  })
})
