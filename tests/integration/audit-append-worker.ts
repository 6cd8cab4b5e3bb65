// A second gateway process for the concurrency test: appends N entries to the given database.
// Run as `node --import tsx audit-append-worker.ts <DATABASE_URL> <label> <count>`.
import { openDatabase } from '../../db/database.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'

const [url, label, count] = process.argv.slice(2) as [string, string, string]
const database = openDatabase(url)
try {
  for (let i = 0; i < Number(count); i++) {
    await appendAuditEvent(database.db, {
      at: new Date(Date.UTC(2026, 2, 2, 9, 0, 0, i)),
      actor: `cli:${label}`,
      event: { type: 'configuration_changed', what: `${label} ${i}` },
    })
  }
} finally {
  await database.close()
}
