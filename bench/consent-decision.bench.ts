/**
 * Decision latency with 10^5 and 10^6 stored consents on SQLite (issue 2, point 9), next to one
 * bare indexed primary-key read measured in the same run, as a ratio.
 *
 * Run: `npx tsx bench/consent-decision.bench.ts [sizes…]` (or through `npm run bench`).
 *
 * Wall-clock p99 on a shared, busy machine mostly measures the scheduler; the CPU time of the
 * process per operation (µs resolution on Linux) is printed beside it as the figure free of
 * preemption. Both are measured interleaved with the bare read, so the ratios compare alike.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import SqliteDatabase from 'better-sqlite3'
import { validityWindow } from '../consent/calendar.ts'
import { decide, type DecisionRequest } from '../consent/decide.ts'
import { openDatabase } from '../db/database.ts'
import { findConsentFacts, listConsentFactsOfSubject } from '../db/consent-repository.ts'
import { migrateToLatest } from '../db/migrate.ts'

export interface DecisionBenchResult {
  consents: number
  loadSeconds: number
  bareRead: Percentiles
  decisionById: Percentiles
  decisionBySubject: Percentiles
}

/** Milliseconds: wall-clock time, and the CPU time of the process (free of preemption). */
interface Percentiles {
  p50: number
  p99: number
  cpuP50: number
  cpuP99: number
}

const agencies = [
  ['jc-bench', 'jobcenter'],
  ['aa-bench', 'agentur'],
  ['ja-bench', 'jugendamt'],
] as const
const purposes = ['hilfeplanung', 'fallkonferenz', 'uebergabe', 'massnahme']
const categories = ['stammdaten', 'schule', 'berufswahl', 'integration', 'familie', 'wohnen']
const now = new Date('2026-06-15T10:00:00.000Z')

const pseudonymOf = (i: number) => `psn_${i.toString(16).padStart(32, '0')}`
const idOf = (i: number) => `cns_${i.toString(36).padStart(12, '0')}`

/** Bulk load through one better-sqlite3 connection in big transactions (not the measured path). */
function load(path: string, count: number): void {
  const sqlite = new SqliteDatabase(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('synchronous = OFF')
  const at = '2026-01-05T09:00:00.000Z'
  const agency = sqlite.prepare(
    'insert into agencies (id, name, kind, mailbox, smime_profile, created_at) values (?, ?, ?, ?, ?, ?)',
  )
  for (const [id, kind] of agencies) agency.run(id, id, kind, `${id}@bench.example`, 'modern', at)
  const subject = sqlite.prepare(
    'insert into consent_subjects (pseudonym, given_name, family_name, birth_date, created_at) values (?, ?, ?, ?, ?)',
  )
  const consent =
    sqlite.prepare(`insert into consents (id, kind, scope, subject_pseudonym, created_by,
    created_by_agency_id, created_at, senders, recipients, purposes, categories, deselected_categories,
    deselected_recipients, valid_from, valid_until, valid_end_at, text_template_id, text_version,
    text_language, text_sha256, released_professionals, required_signatories, signed_roles,
    entrusting_person, case_refs, revoked_at, discarded_at, summary_sha256, used_by_transfer_id,
    kiosk_code, kiosk_code_expires_at, expiry_recorded_at)
    values (?, 'einwilligung', 'standing', ?, 'bench', 'jc-bench', ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?,
      'einwilligung', 1, 'de', ?, '[]', '["youth"]', '["youth"]', null, '{}', ?, null, null, null,
      null, null, null)`)
  const party = sqlite.prepare(
    'insert into consent_parties (consent_id, agency_id, role) values (?, ?, ?)',
  )
  const sha = 'ab'.repeat(32)
  const end = validityWindow('2026-01-05', '2026-12-31').end.toISOString()
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      // Every 10th subject has a second consent, so lookups by subject return one or two rows.
      const person = i % 10 === 9 ? i - 1 : i
      if (person === i) subject.run(pseudonymOf(i), 'Bench', `Person ${i}`, '2004-01-01', at)
      const recipient = i % 2 === 0 ? 'ja-bench' : 'aa-bench'
      consent.run(
        idOf(i),
        pseudonymOf(person),
        at,
        JSON.stringify(['jc-bench']),
        JSON.stringify([recipient]),
        JSON.stringify([purposes[i % purposes.length]]),
        JSON.stringify(categories.slice(0, 2 + (i % 4))),
        i % 7 === 0 ? '["schule"]' : '[]',
        '2026-01-05',
        '2026-12-31',
        end,
        sha,
        i % 50 === 0 ? '2026-03-01T00:00:00.000Z' : null,
      )
      party.run(idOf(i), 'jc-bench', 'sender')
      party.run(idOf(i), recipient, 'recipient')
    }
  })
  const batchSize = 50_000
  for (let from = 0; from < count; from += batchSize) batch(from, Math.min(count, from + batchSize))
  sqlite.pragma('wal_checkpoint(TRUNCATE)')
  sqlite.exec('analyze')
  sqlite.close()
}

function quantile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

function percentiles(wallNs: number[], cpuUs: number[]): Percentiles {
  return {
    p50: quantile(wallNs, 0.5) / 1e6,
    p99: quantile(wallNs, 0.99) / 1e6,
    cpuP50: quantile(cpuUs, 0.5) / 1e3,
    cpuP99: quantile(cpuUs, 0.99) / 1e3,
  }
}

/**
 * Runs the operations interleaved (one sample of each per round, rotating the order), so that
 * pauses of the process or the machine fall on all of them alike and the ratio stays fair.
 */
async function measureInterleaved(
  samples: number,
  count: number,
  steps: readonly ((i: number) => Promise<unknown>)[],
): Promise<Percentiles[]> {
  // A fixed pseudo-random walk over the table, the same for every run.
  let x = 12345
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648
    return x % count
  }
  const times: number[][] = steps.map(() => [])
  const cpu: number[][] = steps.map(() => [])
  for (let round = -2000; round < samples; round++) {
    for (let k = 0; k < steps.length; k++) {
      const which = (round + k + steps.length * 1000) % steps.length
      const index = next()
      const startCpu = process.cpuUsage()
      const start = process.hrtime.bigint()
      await steps[which]!(index)
      const wall = Number(process.hrtime.bigint() - start)
      const used = process.cpuUsage(startCpu)
      if (round >= 0) {
        times[which]!.push(wall)
        cpu[which]!.push(used.user + used.system)
      }
    }
  }
  return times.map((wall, i) => percentiles(wall, cpu[i]!))
}

const request = (subjectPseudonym: string, i: number): DecisionRequest => ({
  subjectPseudonym,
  from: 'jc-bench',
  staffAgencyId: 'jc-bench',
  to: i % 2 === 0 ? 'ja-bench' : 'aa-bench',
  purpose: purposes[i % purposes.length] ?? 'hilfeplanung',
  categories: ['stammdaten', 'berufswahl'],
  necessity: 'Abstimmung der Hilfeplanung vor der Fallkonferenz.',
  recipientCertificate: 'valid',
})

export async function benchConsentDecision(
  count: number,
  samples = 20_000,
): Promise<DecisionBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'brucke-bench-'))
  const path = join(dir, 'bench.db')
  try {
    const database = openDatabase(`file:${path}`)
    await migrateToLatest(database)
    await database.close()
    const loadStart = process.hrtime.bigint()
    load(path, count)
    const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9

    const { db } = openDatabase(`file:${path}`)
    try {
      let permits = 0
      const [bareRead, decisionById, decisionBySubject] = await measureInterleaved(samples, count, [
        (i) => db.selectFrom('consents').selectAll().where('id', '=', idOf(i)).executeTakeFirst(),
        async (i) => {
          const facts = await findConsentFacts(db, idOf(i))
          if (!facts) throw new Error('bench: consent missing')
          if (decide(request(facts.subjectPseudonym, i), [facts], now).decision === 'permit')
            permits++
        },
        async (i) => {
          const person = i % 10 === 9 ? i - 1 : i
          const facts = await listConsentFactsOfSubject(db, pseudonymOf(person))
          if (facts.length === 0) throw new Error('bench: subject missing')
          decide(request(pseudonymOf(person), i), facts, now)
        },
      ])
      if (!bareRead || !decisionById || !decisionBySubject) throw new Error('bench: no samples')
      // Guards against measuring a path that silently does nothing.
      if (permits === 0) throw new Error('bench: no decision permitted; the data set is wrong')
      return { consents: count, loadSeconds, bareRead, decisionById, decisionBySubject }
    } finally {
      await db.destroy()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const ms = (value: number) => `${(value * 1000).toFixed(1)} µs`

/** Prints the figures and the ratios to the bare primary-key read. */
export async function run(sizes: number[] = [100_000, 1_000_000]): Promise<DecisionBenchResult[]> {
  const results: DecisionBenchResult[] = []
  console.log('consent decision latency (SQLite, indexed lookups; ratio = decision / bare PK read)')
  for (const size of sizes) {
    const r = await benchConsentDecision(size)
    results.push(r)
    console.log(`  ${size.toLocaleString('en')} consents (loaded in ${r.loadSeconds.toFixed(1)} s)`)
    const b = r.bareRead
    console.log(
      `    bare PK read            wall p50 ${ms(b.p50)} p99 ${ms(b.p99)} | cpu p50 ${ms(b.cpuP50)} p99 ${ms(b.cpuP99)}`,
    )
    for (const [name, p] of [
      ['decision by consent id', r.decisionById],
      ['decision by subject   ', r.decisionBySubject],
    ] as const) {
      const ratio = (x: number, y: number) => `${(x / y).toFixed(2)}×`
      console.log(
        `    ${name}  wall p50 ${ms(p.p50)} p99 ${ms(p.p99)} (ratio ${ratio(p.p50, b.p50)} / ${ratio(p.p99, b.p99)}) | cpu p50 ${ms(p.cpuP50)} p99 ${ms(p.cpuP99)} (ratio ${ratio(p.cpuP50, b.cpuP50)} / ${ratio(p.cpuP99, b.cpuP99)})  ${p.p99 < 1 ? 'wall p99 < 1 ms ✓' : 'wall p99 ≥ 1 ms ✗'}`,
      )
    }
  }
  return results
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
  await run(sizes.length > 0 ? sizes : undefined)
}
