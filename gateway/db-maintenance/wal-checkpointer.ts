import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'

/**
 * The one place a running gateway checkpoints its SQLite write-ahead log: commits never do
 * (`wal_autocheckpoint = 0`, db/database.ts), so no request waits for the log being copied back.
 * PASSIVE copies what no reader still needs and never blocks; what it leaves, the next tick takes.
 * PostgreSQL checkpoints by itself: no service there.
 */
export function startWalCheckpointer(
  deps: Pick<Deps, 'database' | 'config' | 'log'>,
): Promise<Service | undefined> {
  const checkpointWal = deps.database.checkpointWal
  if (!checkpointWal) return Promise.resolve(undefined)
  return Promise.resolve(
    startPeriodicService({
      name: 'WAL checkpointer',
      intervalMs: deps.config.sqliteCheckpointIntervalMs,
      log: deps.log,
      firstTick: 'after-interval',
      // The last one on shutdown, so a clean stop leaves a short log behind.
      finalTick: true,
      tick: () => checkpointWal(),
    }),
  )
}
