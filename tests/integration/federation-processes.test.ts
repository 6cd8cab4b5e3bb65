import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signAtKiosk } from '../../bench/support/kiosk-sign.ts'
import {
  startFederation,
  type Federation,
  type RunningInstance,
} from '../../scripts/demo-federation.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts'
import { freePort, runBrucke } from '../support/cli.ts'

/**
 * Issue 16, point 9: two real `brucke serve` processes, each with its own database, keys and demo
 * CA — A hosting jc-demo and aa-demo, B hosting ja-demo — started the way `npm run
 * demo:federation` starts them, with their partner cards exchanged by the CLI. Real SMTP between
 * them: A's delivery worker hands the sealed message to B's inbound listener.
 */
async function tokenOf(instance: RunningInstance, user: string): Promise<string> {
  const run = await runBrucke(['token', '--user', user], { env: instance.env })
  if (run.code !== 0) throw new Error(run.stderr)
  return run.stdout.trim()
}

async function api(
  instance: RunningInstance,
  method: string,
  path: string,
  options: { token: string; body?: unknown },
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${instance.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  })
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null }
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

interface InboxItem {
  id: string
  kind: string
  sender?: { id: string } | null
  consentId?: string
  transferId?: string
  useStopped?: boolean
}

async function inboxOf(instance: RunningInstance, token: string): Promise<InboxItem[]> {
  const reply = await api(instance, 'GET', '/inbox', { token })
  expect(reply.status).toBe(200)
  return (reply.body as { items: InboxItem[] }).items
}

describe.each(dialects)('two federated instances on %s', (dialect) => {
  let federation: Federation
  const databases: TestDatabase[] = []
  let root: string

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'brucke-federation-'))
    const env: Record<string, string>[] = [{}, {}]
    if (dialect === 'postgres') {
      for (const index of [0, 1]) {
        const database = await createTestDatabase('postgres', { migrate: false })
        databases.push(database)
        env[index] = { DATABASE_URL: database.url }
      }
    }
    const ports = await Promise.all(Array.from({ length: 6 }, () => freePort()))
    federation = await startFederation({
      a: {
        name: 'A',
        hosts: ['jc-demo', 'aa-demo'],
        dataDir: join(root, 'a'),
        httpPort: ports[0]!,
        ingressPort: ports[1]!,
        inboundPort: ports[2]!,
        env: { ...env[0], RELAY_POLL_MS: '200' },
      },
      b: {
        name: 'B',
        hosts: ['ja-demo'],
        dataDir: join(root, 'b'),
        httpPort: ports[3]!,
        ingressPort: ports[4]!,
        inboundPort: ports[5]!,
        env: { ...env[1], RELAY_POLL_MS: '200' },
      },
    })
  }, 300_000)

  afterAll(async () => {
    await federation?.stop()
    for (const database of databases) await database.drop()
    rmSync(root, { recursive: true, force: true })
  })

  it("when A sends a case summary to ja-demo and later the consent is revoked, then B holds it verified in its inbox, A records B's receipt, and the revocation reaches B", async () => {
    const { a, b } = federation
    const staffA = await tokenOf(a, 'demo-jc')
    const kioskA = await tokenOf(a, 'demo-kiosk')
    const staffB = await tokenOf(b, 'demo-ja')

    // A knows ja-demo only as a partner, B knows jc-demo only as a partner.
    const agenciesA = (await api(a, 'GET', '/agencies', { token: staffA })).body as {
      agencies: { id: string; hosted: boolean }[]
    }
    expect(Object.fromEntries(agenciesA.agencies.map((x) => [x.id, x.hosted]))).toEqual({
      'aa-demo': true,
      'ja-demo': false,
      'jc-demo': true,
    })
    const agenciesB = (await api(b, 'GET', '/agencies', { token: staffB })).body as {
      agencies: { id: string; hosted: boolean }[]
    }
    expect(Object.fromEntries(agenciesB.agencies.map((x) => [x.id, x.hosted]))).toEqual({
      'aa-demo': false,
      'ja-demo': true,
      'jc-demo': false,
    })

    const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)
    const draft = await api(a, 'POST', '/consents', {
      token: staffA,
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Mila', familyName: 'Beispiel', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil,
      },
    })
    expect(draft.status, JSON.stringify(draft.body)).toBe(201)
    const consentId = await signAtKiosk(
      (method, path, options) => api(a, method, path, options),
      draft.body,
      kioskA,
      'Mila Beispiel',
    )
    const sent = await api(a, 'POST', '/transfers', {
      token: staffA,
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Hilfeplanung: Übergang Schule–Beruf abstimmen.',
        sections: [{ category: 'schule', title: 'Schule', body: 'Besucht die 10. Klasse.' }],
      },
    })
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    const transferId = (sent.body as { id: string }).id

    const received = await until("the case summary in B's inbox", async () => {
      const items = await inboxOf(b, staffB)
      return items.find((item) => item.transferId === transferId)
    })
    expect(received.sender?.id).toBe('jc-demo')
    expect(received.consentId).toBe(consentId)
    const opened = await api(b, 'GET', `/inbox/${received.id}`, { token: staffB })
    expect(opened.status).toBe(200)
    expect(JSON.stringify(opened.body)).toContain('Besucht die 10. Klasse.')

    // A learns that B's gateway verified it — not only that an SMTP hop said 250.
    const receipt = await until("B's receipt at A", async () => {
      const transfer = await api(a, 'GET', `/transfers/${transferId}`, { token: staffA })
      const body = transfer.body as { status: string; partnerReceipt: { outcome: string } | null }
      return body.partnerReceipt ?? undefined
    })
    expect(receipt.outcome).toBe('accepted')

    // Revoked at A: the notice reaches B and marks the item "further use must stop".
    const revoked = await api(a, 'POST', `/consents/${consentId}/revocation`, {
      token: staffA,
      body: { channel: 'staff' },
    })
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200)
    const notice = await until("the revocation notice in B's inbox", async () => {
      const items = await inboxOf(b, staffB)
      return items.find((item) => item.kind === 'revocation_notice' && item.consentId === consentId)
    })
    expect(notice.sender?.id).toBe('jc-demo')
    const stopped = (await inboxOf(b, staffB)).find((item) => item.id === received.id)
    expect(stopped?.useStopped).toBe(true)
  }, 240_000)
})
