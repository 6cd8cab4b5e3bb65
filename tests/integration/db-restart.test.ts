import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/database.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { seedAccounts } from '../support/accounts.ts'
import { freePort, startBruckeServe } from '../support/cli.ts'
import {
  createClusterDatabase,
  createTestCluster,
  type TestCluster,
} from '../support/pg-cluster.ts'
import { TestClock } from '../support/test-clock.ts'
import { depsOnDatabase } from '../support/test-deps.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { startTestServer } from '../support/http-client.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'

/**
 * Issue 19 point 1: a real `brucke serve` on a PostgreSQL cluster of this test's own, under
 * concurrent writes, while the cluster restarts (`pg_ctlcluster restart -m fast`) and then stays
 * down for a moment. The process must live through it, answer the outage with 503
 * `database_unavailable` and `Retry-After` (never 500), and serve again by itself.
 */
interface Outcome {
  status: number
  code?: string
  retryAfter: string | null
}

const subject = { givenName: 'Ilvy', familyName: 'Brannholm', birthDate: '2005-03-09' }

describe('brucke serve while PostgreSQL restarts', () => {
  let cluster: TestCluster
  let serve: Awaited<ReturnType<typeof startBruckeServe>>
  let base: string
  let staffToken: string
  let dataDir: string
  let smtp: SmtpCapture
  let consentId: string

  beforeAll(async () => {
    cluster = await createTestCluster()
    await createClusterDatabase(cluster, 'brucke')
    const url = cluster.url('brucke')
    // Seed the accounts with a gateway's deps of the test's own, then let `brucke serve` run.
    const database = openDatabase(url)
    await migrateToLatest(database)
    // The child reads the system clock: tokens, certificates and the CRL are made at the real time.
    const now = new Date()
    const { deps } = depsOnDatabase(database, {
      clock: new TestClock(now),
      config: { databaseUrl: url },
    })
    const config = deps.config
    dataDir = config.dataDir
    const { tokens } = await seedAccounts(deps)
    staffToken = tokens['staff-jc'] as string
    // A signed consent and the agencies' certificates, so a transfer can be delivered after the
    // outage: the proof that the delivery worker came back, not only the HTTP side.
    const relayPki = await createRelayPki({ at: now })
    const crl = relayPki.pki.buildCrl({
      serialNumbers: [],
      revokedAt: now,
      thisUpdate: new Date(now.getTime() - 86_400_000),
      nextUpdate: new Date(now.getTime() + 30 * 86_400_000),
    })
    writeFileSync(join(relayPki.dir, 'ca.crl.pem'), crl.pem)
    await registerRelayPki(deps, relayPki)
    smtp = await startSmtpCapture()
    const setup = await startTestServer(deps)
    try {
      const draft = await setup.api('POST', '/consents', {
        token: staffToken,
        body: {
          kind: 'einwilligung',
          subject,
          senders: ['jc-demo'],
          recipients: ['ja-demo'],
          purposes: ['hilfeplanung'],
          categories: ['schule'],
          validUntil: new Date(now.getTime() + 90 * 86_400_000).toISOString().slice(0, 10),
        },
      })
      const drafted = draft.body as { id: string; kioskCode: string }
      consentId = drafted.id
      const signed = await signAtKioskOverApi(setup, {
        kioskToken: tokens['kiosk-jc'] as string,
        kioskCode: drafted.kioskCode,
        consentId,
        signature: { role: 'youth', name: `${subject.givenName} ${subject.familyName}` },
      })
      expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    } finally {
      await setup.close()
    }
    await database.close()
    const port = await freePort()
    base = `http://127.0.0.1:${port}/api/v1`
    serve = await startBruckeServe({
      env: {
        PORT: String(port),
        DATABASE_URL: url,
        SMTP_URL: smtp.url,
        SMTP_INGRESS_PORT: '0',
        BRUCKE_DEMO: 'false',
        BRUCKE_MASTER_KEY: config.secrets.masterKey.toString('base64'),
        BRUCKE_TOKEN_KEY: config.secrets.tokenKey.toString('base64'),
        BRUCKE_DATA_DIR: dataDir,
        RELAY_POLL_MS: '50',
        LOG_LEVEL: 'warn',
      },
    })
  }, 180_000)

  afterAll(async () => {
    if (serve?.child.exitCode === null) await serve.stop()
    await cluster?.drop()
    await smtp?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  const validUntil = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)

  async function createDraft(): Promise<Outcome> {
    try {
      const response = await fetch(`${base}/consents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'einwilligung',
          subject,
          senders: ['jc-demo'],
          recipients: ['ja-demo'],
          purposes: ['hilfeplanung'],
          categories: ['schule'],
          validUntil,
        }),
      })
      const body = (await response.json()) as { error?: { code?: string } }
      return {
        status: response.status,
        ...(body.error?.code ? { code: body.error.code } : {}),
        retryAfter: response.headers.get('retry-after'),
      }
    } catch {
      return { status: 0, retryAfter: null } // no answer at all: the process is gone
    }
  }

  async function readyz(): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${base}/readyz`)
    return { status: response.status, body: await response.json() }
  }

  /** Concurrent writers until `stop` is called; every outcome recorded. */
  function startLoad(writers: number) {
    const outcomes: Outcome[] = []
    let stopped = false
    const loops = Array.from({ length: writers }, async () => {
      while (!stopped) outcomes.push(await createDraft())
    })
    return {
      outcomes,
      successesSince: (index: number) =>
        outcomes.slice(index).filter((o) => o.status === 201).length,
      async stop() {
        stopped = true
        await Promise.all(loops)
      },
    }
  }

  async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!condition()) {
      if (serve.child.exitCode !== null)
        throw new Error(
          `brucke serve exited (${serve.child.exitCode}):\n${serve.output().slice(-3000)}`,
        )
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  it('when PostgreSQL restarts and is down under load, then serve lives, answers 503 with Retry-After and recovers', async () => {
    expect((await readyz()).status).toBe(200)
    const load = startLoad(6)
    try {
      await until('first writes', () => load.successesSince(0) >= 20, 30_000)

      // A fast restart in the middle of the load: sessions are terminated (57P01).
      await cluster.restart()
      const afterRestart = load.outcomes.length
      await until('writes after the restart', () => load.successesSince(afterRestart) >= 20, 30_000)

      // Down for a while: the pool cannot reconnect (ECONNREFUSED) until it is back.
      await cluster.stop()
      const outageStart = load.outcomes.length
      await until(
        'answers during the outage',
        () => load.outcomes.slice(outageStart).filter((o) => o.status === 503).length >= 10,
        30_000,
      )
      const notReady = await readyz()
      expect(notReady.status).toBe(503)
      expect(notReady.body).toMatchObject({
        status: 'not_ready',
        checks: expect.arrayContaining([
          expect.objectContaining({ name: 'database', ok: false }),
        ]) as unknown,
      })
      await cluster.start()
      const backAt = load.outcomes.length
      await until(
        'writes after the database is back',
        () => load.successesSince(backAt) >= 20,
        30_000,
      )
    } finally {
      await load.stop()
    }

    expect(serve.child.exitCode).toBeNull()
    const failures = load.outcomes.filter((o) => o.status !== 201)
    expect(failures.length).toBeGreaterThan(0)
    // Every failure is the named outage with a retry time: no 500, no dropped connection.
    expect(failures.filter((o) => o.status !== 503)).toEqual([])
    for (const failure of failures) {
      expect(failure).toEqual({ status: 503, code: 'database_unavailable', retryAfter: '5' })
    }
    expect((await readyz()).status).toBe(200)

    // The delivery worker lived through the outage and delivers again.
    const transfer = await fetch(`${base}/transfers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staffToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung der Hilfeplanung vor dem gemeinsamen Gespräch.',
        sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss im Sommer erwartet.' }],
      }),
    })
    expect(transfer.status, await transfer.clone().text()).toBe(202)
    await until('the transfer delivered', () => smtp.messages.length === 1, 30_000)

    const output = serve.output()
    expect(output).toMatch(/database unavailable: (57P01|ECONNREFUSED|57P03|connection_lost)/)
    // The delivery worker met the outage too, said so, and is still running.
    expect(output).toContain('delivery-worker: database unavailable')
    expect(output).not.toContain('Unhandled')
    expect(output).not.toContain('internal_error')
    expect(output).not.toContain(subject.familyName)
    expect(output).not.toContain(subject.birthDate)
  }, 180_000)
})
