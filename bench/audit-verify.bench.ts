/**
 * Audit verification rate for 10^6 entries (issue 5, point 8), printed next to the raw SHA-256
 * rate over the same bytes in the same run, as a ratio (aim: within 3×).
 *
 * Two raw baselines over exactly the bytes each chain hash covers (0x00, previous hash, commitment,
 * canonical JSON), prepared before the clock starts: one one-shot SHA-256 per entry — the fair
 * per-entry comparison, in the faster of its two forms (digest as hex or as Buffer; see
 * rawPerEntry) — and one streaming SHA-256 over all of them (bulk throughput). Verification is
 * measured twice: the pure verifier over entries in memory, and end to end from a SQLite file
 * (paged reads included, with the in-memory log released first). The verifier hashes at least 2⅓ times per entry (chain hash = leaf,
 * one Merkle node, a commitment for a third of the entries), so no verifier can reach 1×.
 * Since issue 8 it also proves every search column of a row against the hashed bytes
 * (audit/stored-entry-check.ts), so it reads all sixteen columns, not the seven the chain needs:
 * from SQLite, creating those nine values per row costs more than the check itself.
 *
 * Run: `npx tsx bench/audit-verify.bench.ts [entries]` (or through `npm run bench`).
 */
import { createHash, hash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import SqliteDatabase from 'better-sqlite3'
import type { AuditEvent } from '../audit/audit-event.ts'
import { sealEntry } from '../audit/hash-chain.ts'
import { storedIndexOf, type StoredRow } from '../audit/stored-entry-check.ts'
import { verifyAuditLog } from '../audit/verify.ts'
import { openDatabase } from '../db/database.ts'
import { findSeqByEntryHash, readAuditHead, streamStoredPages } from '../db/audit-repository.ts'
import { verifyInParallel } from '../gateway/audit/parallel-verify.ts'
import { migrateToLatest } from '../db/migrate.ts'

export interface VerifyBenchResult {
  entries: number
  bytes: number
  /** The faster of the two one-shot forms below: the per-entry baseline. */
  rawPerEntryPerSecond: number
  rawBufferDigestPerSecond: number
  rawHexDigestPerSecond: number
  rawBulkPerSecond: number
  verifyInMemoryPerSecond: number
  verifySqlitePerSecond: number
  /** The same, split among `threads` worker threads (`brucke audit verify`), thread start included. */
  verifyParallelPerSecond: number
  threads: number
}

/** A realistic mix: a third of the entries carry a subject pseudonym (a salted commitment). */
function eventOf(i: number): AuditEvent {
  if (i % 3 === 0)
    return {
      type: 'pseudonym_resolved',
      subjectPseudonym: `psn_${(i % 50_000).toString(16).padStart(32, '0')}`,
      statedReason: 'Auskunftsersuchen nach Art. 15 DSGVO',
      agencyId: 'jc-demo',
      found: true,
    }
  if (i % 3 === 1)
    return { type: 'login_succeeded', userId: `staff-${i % 300}`, agencyId: 'aa-demo' }
  return {
    type: 'permission_refused',
    method: 'GET',
    route: '/api/v1/audit',
    role: 'staff',
    agencyId: 'ja-demo',
    reason: 'role',
  }
}

/**
 * Rows as the appender stores them: hashed bytes, commitment, chain and search columns. Built
 * field by field as the repository builds them: a row made by spreading two objects has slow
 * property access in V8 and would make the verifier look slower than it is.
 */
function buildLog(count: number): StoredRow[] {
  const entries: StoredRow[] = []
  let prev: Buffer = Buffer.alloc(32)
  const base = Date.UTC(2026, 0, 5, 8)
  const salt = Buffer.alloc(16, 9)
  for (let seq = 1; seq <= count; seq++) {
    const entry = {
      at: new Date(base + seq * 1000),
      actor: `user:staff-${seq % 300}` as const,
      event: eventOf(seq),
    }
    const sealed = sealEntry({ seq, ...entry, prevHash: prev, salt })
    const index = storedIndexOf(entry)
    entries.push({
      seq,
      at: index.at,
      type: index.type,
      actor: index.actor,
      agencyIds: index.agencyIds,
      subjectPseudonym: index.subjectPseudonym,
      consentId: index.consentId,
      transferId: index.transferId,
      decision: index.decision,
      canonical: sealed.canonical,
      personal: sealed.personal,
      salt: sealed.salt,
      commitment: sealed.commitment,
      erasedAt: index.erasedAt,
      prevHash: sealed.prevHash,
      entryHash: sealed.entryHash,
    })
    prev = Buffer.from(sealed.entryHash, 'hex')
  }
  return entries
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** The exact bytes each entry's chain hash covers, built before timing so only hashing is timed. */
function chainInputs(entries: readonly StoredRow[]): Buffer[] {
  return entries.map((e) =>
    Buffer.concat([
      Buffer.from([0]),
      Buffer.from(e.prevHash, 'hex'),
      e.commitment === null ? Buffer.alloc(32) : Buffer.from(e.commitment, 'hex'),
      Buffer.from(e.canonical, 'utf8'),
    ]),
  )
}

/**
 * One one-shot SHA-256 per entry, the digest returned as a Buffer or as hex. Both are measured:
 * in Node 20 the hex form is more than twice as fast for inputs of this size (the Buffer's
 * creation dominates), and the baseline must be the fastest raw hashing there is.
 */
function rawPerEntry(inputs: readonly Buffer[], digest: 'buffer' | 'hex'): number {
  const start = process.hrtime.bigint()
  let sink = 0
  if (digest === 'buffer') for (const input of inputs) sink ^= hash('sha256', input, 'buffer')[0]!
  else for (const input of inputs) sink ^= hash('sha256', input, 'hex').charCodeAt(0)
  const s = seconds(start)
  if (sink === 256) console.log('') // keeps the loop from being optimised away
  return s
}

function rawBulk(inputs: readonly Buffer[]): number {
  const start = process.hrtime.bigint()
  const stream = createHash('sha256')
  for (const input of inputs) stream.update(input)
  stream.digest()
  return seconds(start)
}

async function verifyInMemory(entries: readonly StoredRow[]): Promise<number> {
  const start = process.hrtime.bigint()
  const pages: StoredRow[][] = []
  for (let i = 0; i < entries.length; i += 10_000) pages.push(entries.slice(i, i + 10_000))
  const result = await verifyAuditLog({
    pages,
    checkpoints: [],
    trustedPublicKeys: [],
    findSeqByEntryHash: () => Promise.resolve(undefined),
  })
  const s = seconds(start)
  if (!result.ok || result.treeSize !== entries.length) throw new Error('bench log did not verify')
  return s
}

/** Writes the log into a migrated SQLite file with raw inserts (loading is not measured). */
async function writeSqliteLog(entries: readonly StoredRow[], path: string): Promise<void> {
  const migrated = openDatabase(`file:${path}`)
  await migrateToLatest(migrated)
  await migrated.close()
  const sqlite = new SqliteDatabase(path)
  sqlite.pragma('synchronous = OFF')
  const insert = sqlite.prepare(`insert into audit_entries (seq, at, type, actor, agency_ids,
    subject_pseudonym, consent_id, transfer_id, decision, data, personal, personal_salt,
    personal_commitment, erased_at, prev_hash, entry_hash)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?)`)
  const load = sqlite.transaction((batch: readonly StoredRow[]) => {
    for (const e of batch) {
      insert.run(
        e.seq,
        e.at,
        e.type,
        e.actor,
        e.agencyIds,
        e.subjectPseudonym,
        e.consentId,
        e.transferId,
        e.decision,
        e.canonical,
        e.personal,
        e.salt,
        e.commitment,
        e.prevHash,
        e.entryHash,
      )
    }
  })
  for (let i = 0; i < entries.length; i += 50_000) load(entries.slice(i, i + 50_000))
  const last = entries[entries.length - 1]!
  sqlite
    .prepare('update audit_head set last_seq = ?, last_hash = ? where id = 1')
    .run(last.seq, last.entryHash)
  sqlite.close()
}

async function verifyFromSqlite(path: string): Promise<number> {
  const database = openDatabase(`file:${path}`)
  try {
    const start = process.hrtime.bigint()
    const result = await verifyAuditLog({
      pages: streamStoredPages(database.db, { pageSize: 10_000 }),
      checkpoints: [],
      trustedPublicKeys: [],
      findSeqByEntryHash: (hash) => findSeqByEntryHash(database.db, hash),
    })
    const s = seconds(start)
    if (!result.ok) throw new Error('bench log did not verify from SQLite')
    return s
  } finally {
    await database.close()
  }
}

/** `brucke audit verify`'s parallel pass over the same file: one range per core. */
async function verifyParallelFromSqlite(path: string, threads: number): Promise<number> {
  const database = openDatabase(`file:${path}`)
  try {
    const head = await readAuditHead(database.db)
    const start = process.hrtime.bigint()
    const result = await verifyInParallel({
      databaseUrl: `file:${path}`,
      head,
      checkpoints: [],
      trustedPublicKeys: [],
      purges: [],
      threads,
    })
    const s = seconds(start)
    if (!result.ok) throw new Error('bench log did not verify in parallel')
    return s
  } finally {
    await database.close()
  }
}

/**
 * Builds the log, writes it to the SQLite file, and times the raw baselines and the verifier in
 * memory. Only figures come back: the million entries are garbage when the SQLite run starts, as
 * in `brucke audit verify`, which reads page by page — a heap still holding them makes every
 * garbage collection of that run slower and would charge the reader for the bench's own arrays.
 */
async function benchInMemory(count: number, sqlitePath: string) {
  const entries = buildLog(count)
  await writeSqliteLog(entries, sqlitePath)
  const inputs = chainInputs(entries)
  const bytes = inputs.reduce((sum, b) => sum + b.length, 0)
  // Warm up both paths on a slice; then alternate raw and verify three times and keep the best of
  // each, so load from other processes on the machine skews neither side of the ratio.
  rawPerEntry(inputs.slice(0, 20_000), 'buffer')
  rawPerEntry(inputs.slice(0, 20_000), 'hex')
  await verifyInMemory(entries.slice(0, 20_000))
  let rawBuffer = Infinity
  let rawHex = Infinity
  let bulk = Infinity
  let memory = Infinity
  for (let round = 0; round < 3; round++) {
    rawHex = Math.min(rawHex, rawPerEntry(inputs, 'hex'))
    memory = Math.min(memory, await verifyInMemory(entries))
    rawBuffer = Math.min(rawBuffer, rawPerEntry(inputs, 'buffer'))
    bulk = Math.min(bulk, rawBulk(inputs))
  }
  return { bytes, rawBuffer, rawHex, bulk, memory }
}

export async function benchAuditVerify(count: number): Promise<VerifyBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'brucke-bench-audit-'))
  try {
    const path = join(dir, 'audit.db')
    const { bytes, rawBuffer, rawHex, bulk, memory } = await benchInMemory(count, path)
    const raw = Math.min(rawBuffer, rawHex)
    // Best of two, as the in-memory figures are best of three.
    const sqlite = Math.min(await verifyFromSqlite(path), await verifyFromSqlite(path))
    const threads = availableParallelism()
    const parallel = Math.min(
      await verifyParallelFromSqlite(path, threads),
      await verifyParallelFromSqlite(path, threads),
    )
    return {
      entries: count,
      bytes,
      rawPerEntryPerSecond: count / raw,
      rawBufferDigestPerSecond: count / rawBuffer,
      rawHexDigestPerSecond: count / rawHex,
      rawBulkPerSecond: count / bulk,
      verifyInMemoryPerSecond: count / memory,
      verifySqlitePerSecond: count / sqlite,
      verifyParallelPerSecond: count / parallel,
      threads,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const rate = (n: number) => `${Math.round(n).toLocaleString('en')} entries/s`

export async function run(count = 1_000_000): Promise<VerifyBenchResult> {
  const r = await benchAuditVerify(count)
  console.log(
    `audit verification, ${count.toLocaleString('en')} entries (${(r.bytes / 1e6).toFixed(0)} MB hashed)`,
  )
  console.log(
    `  raw SHA-256, one per entry      ${rate(r.rawPerEntryPerSecond)}  (one-shot, digest as hex ${rate(r.rawHexDigestPerSecond)}, as Buffer ${rate(r.rawBufferDigestPerSecond)}; the faster is the baseline)`,
  )
  console.log(`  raw SHA-256, one stream         ${rate(r.rawBulkPerSecond)}`)
  console.log(
    `  verify (chain + commitments + Merkle + columns), in memory  ${rate(r.verifyInMemoryPerSecond)}  ratio ${(r.rawPerEntryPerSecond / r.verifyInMemoryPerSecond).toFixed(2)}× per-entry raw, ${(r.rawBulkPerSecond / r.verifyInMemoryPerSecond).toFixed(2)}× bulk raw  ${r.rawPerEntryPerSecond / r.verifyInMemoryPerSecond <= 3 ? '≤ 3× ✓' : '> 3× ✗'}`,
  )
  console.log(
    `  verify end to end from SQLite                     ${rate(r.verifySqlitePerSecond)}  ratio ${(r.rawPerEntryPerSecond / r.verifySqlitePerSecond).toFixed(2)}× per-entry raw`,
  )
  console.log(
    `  verify from SQLite on ${r.threads} threads (brucke audit verify)   ${rate(r.verifyParallelPerSecond)}  speedup ${(r.verifyParallelPerSecond / r.verifySqlitePerSecond).toFixed(2)}× over one thread (thread start included; a busy machine shares its cores)`,
  )
  return r
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 1_000_000)
  await run(Number.isInteger(count) && count > 0 ? count : undefined)
}
