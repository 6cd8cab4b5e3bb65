// A delivery worker in a process of its own for the lease test: opens the database, waits for a
// line on stdin (so two start together), then claims due transfers one at a time at the given
// instant until none is left, and prints the ids it claimed as JSON. Errors go to stderr with
// exit code 1. Run as
// `node --import tsx relay-claim-worker.ts <DATABASE_URL> <worker> <now ISO> <lease ms>`.
import { createInterface } from 'node:readline'
import { openDatabase } from '../../db/database.ts'
import { claimDueTransfers } from '../../db/transfer-repository.ts'

const [url, worker, nowIso, leaseMs] = process.argv.slice(2) as [string, string, string, string]
const now = new Date(nowIso)
const database = openDatabase(url)
try {
  // Touch the database first, so both processes are connected when the race starts.
  await database.db.selectFrom('transfers').select('id').limit(1).execute()
  process.stdout.write('ready\n')
  await new Promise<void>((go) =>
    createInterface({ input: process.stdin }).once('line', () => go()),
  )
  const claimed: string[] = []
  for (;;) {
    const batch = await claimDueTransfers(database.db, {
      worker,
      now,
      leaseUntil: new Date(now.getTime() + Number(leaseMs)),
      limit: 1,
      dialect: database.dialect,
    })
    if (batch.length === 0) break
    claimed.push(...batch.map((c) => c.transfer.id))
  }
  process.stdout.write(`${JSON.stringify({ claimed })}\n`)
} finally {
  await database.close()
}
