import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'
import { auditSettingsOf } from './audit-settings.ts'
import { writeCheckpoint } from './write-checkpoint.ts'

/**
 * The background part of `brucke serve` that signs a checkpoint every
 * AUDIT_CHECKPOINT_INTERVAL_SECONDS when the log grew, and once more when the service stops, so
 * the last entries before a shutdown are sealed too. 0 disables the timer (not the final one).
 */
export function startCheckpointer(deps: Deps): Promise<Service> {
  return Promise.resolve(
    startPeriodicService({
      name: 'audit checkpointer',
      intervalMs: auditSettingsOf(deps.config).auditCheckpointIntervalSeconds * 1000,
      log: deps.log,
      metrics: deps.metrics,
      firstTick: 'after-interval',
      finalTick: true,
      tick: async () => {
        const outcome = await writeCheckpoint(deps)
        if (outcome.written)
          deps.log.info({ treeSize: outcome.checkpoint.treeSize }, 'audit checkpoint written')
      },
    }),
  )
}
