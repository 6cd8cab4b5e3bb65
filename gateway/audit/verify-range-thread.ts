import { parentPort, workerData } from 'node:worker_threads'
import type { RetentionPurge } from '../../audit/erasure-check.ts'
import { createRangeCheck, type RangeOutcome } from '../../audit/range-check.ts'
import { streamStoredPages } from '../../db/audit-repository.ts'
import { openDatabase } from '../../db/database.ts'

/**
 * One verification thread: opens the database itself (a connection of its own), reads the rows
 * `from` … `to` in pages and checks them (audit/range-check.ts); posts the outcome, the leaves
 * moved (not copied) to the parent.
 */
export interface RangeOrder {
  databaseUrl: string
  from: number
  to: number
  purges: RetentionPurge[]
}

const order = workerData as RangeOrder
const database = openDatabase(order.databaseUrl)
let outcome: RangeOutcome
try {
  const check = createRangeCheck(order)
  reading: for await (const page of streamStoredPages(database.db, {
    afterSeq: order.from - 1,
    upToSeq: order.to,
  }))
    for (const row of page) if (!check.push(row)) break reading
  outcome = check.finish()
} finally {
  await database.close()
}
if (outcome.ok) {
  const leaves = outcome.leaves.buffer as ArrayBuffer
  parentPort?.postMessage(outcome, [leaves])
} else parentPort?.postMessage(outcome)
