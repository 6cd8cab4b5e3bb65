/**
 * Request rate of `POST /api/v1/decisions` (a dry-run decision and its `decision_checked` audit
 * entry, a durable commit each) against `GET /api/v1/healthz` (no database) under the same
 * closed-loop load: 16 clients in another process, a fixed duration each, in the same run
 * (issue 19, point 9c). Aim: decisions ≥ 50 % of the healthz rate.
 *
 * Run: `npx tsx bench/http-decisions.bench.ts [seconds]` (or `npm run bench -- http`).
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { DialectName } from '../db/database.ts'
import { seedAccounts } from '../tests/support/accounts.ts'
import { dialects } from '../tests/support/databases.ts'
import { startTestServer } from '../tests/support/http-client.ts'
import { createTestDeps } from '../tests/support/test-deps.ts'
import { ownCpuMs } from './support/cpu-time.ts'

const clients = 16

interface RateReport {
  completed: number
  ok: number
  failed: number
  firstFailure?: string
}

export interface DecisionRateRow {
  dialect: DialectName
  healthzPerSecond: number
  decisionsPerSecond: number
  /** CPU time of the gateway process per request. */
  healthzCpuMs: number
  decisionCpuMs: number
}

async function benchDialect(dialect: DialectName, seconds: number): Promise<DecisionRateRow> {
  const t = await createTestDeps(dialect)
  const { tokens } = await seedAccounts(t.deps)
  const server = await startTestServer(t.deps)
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./support/http-rate-process.ts', import.meta.url))],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const replies = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  const measure = async (order: object): Promise<{ perSecond: number; cpuMs: number }> => {
    child.stdin.write(`${JSON.stringify({ clients, seconds, ...order })}\n`)
    if ((await replies.next()).value !== 'ready') throw new Error('load generator did not start')
    const cpu = ownCpuMs()
    const started = performance.now()
    child.stdin.write('go\n')
    const report = JSON.parse(String((await replies.next()).value)) as RateReport
    const elapsed = (performance.now() - started) / 1000
    if (report.failed > 0)
      throw new Error(`bench: ${report.failed} requests failed, e.g. ${report.firstFailure}`)
    return { perSecond: report.ok / elapsed, cpuMs: (ownCpuMs() - cpu) / report.ok }
  }
  try {
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Rate', familyName: 'Person', birthDate: '2004-04-04' },
        senders: ['jc-demo'],
        recipients: ['aa-demo'],
        purposes: ['uebergabe'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    const consentId = (draft.body as { id: string }).id
    const healthz = { url: `${server.url}/api/v1/healthz`, method: 'GET' }
    const decisions = {
      url: `${server.url}/api/v1/decisions`,
      method: 'POST',
      token: tokens['staff-jc'],
      body: { consentId, to: 'aa-demo', purpose: 'uebergabe', categories: ['schule'] },
    }
    // Warm-up of both (JIT, statement caches, the clients' keep-alive connections).
    await measure({ ...healthz, seconds: 1 })
    await measure({ ...decisions, seconds: 1 })
    const h = await measure(healthz)
    const d = await measure(decisions)
    return {
      dialect,
      healthzPerSecond: h.perSecond,
      decisionsPerSecond: d.perSecond,
      healthzCpuMs: h.cpuMs,
      decisionCpuMs: d.cpuMs,
    }
  } finally {
    child.stdin.end()
    child.kill()
    await server.close()
    await t.close()
  }
}

export async function run(seconds = 5): Promise<DecisionRateRow[]> {
  console.log(
    `POST /decisions (with its audit entry) against GET /healthz, ${clients} clients in another process, ${seconds} s each`,
  )
  const rows: DecisionRateRow[] = []
  for (const dialect of dialects) rows.push(await benchDialect(dialect, seconds))
  console.log(
    `  ${'database'.padEnd(9)} ${'healthz/s'.padStart(10)} ${'decisions/s'.padStart(12)} ${'ratio (≥ 50 %)'.padStart(15)} ${'CPU ms healthz'.padStart(15)} ${'CPU ms decision'.padStart(16)}`,
  )
  for (const row of rows) {
    const ratio = row.decisionsPerSecond / row.healthzPerSecond
    console.log(
      `  ${row.dialect.padEnd(9)} ${row.healthzPerSecond.toFixed(0).padStart(10)} ${row.decisionsPerSecond.toFixed(0).padStart(12)} ${`${(ratio * 100).toFixed(0)} % ${ratio >= 0.5 ? 'PASS' : 'FAIL'}`.padStart(15)} ${row.healthzCpuMs.toFixed(3).padStart(15)} ${row.decisionCpuMs.toFixed(3).padStart(16)}`,
    )
  }
  return rows
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run(Number(process.argv[2] ?? 5))
}
