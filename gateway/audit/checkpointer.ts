import type { Deps } from '../deps.ts'
import type { Service } from '../serve.ts'
import { auditSettingsOf } from './audit-settings.ts'
import { writeCheckpoint } from './write-checkpoint.ts'

/**
 * The background part of `brucke serve` that signs a checkpoint every
 * AUDIT_CHECKPOINT_INTERVAL_SECONDS when the log grew, and once more when the service stops, so
 * the last entries before a shutdown are sealed too. 0 disables the timer (not the final one).
 */
export function startCheckpointer(deps: Deps): Promise<Service> {
  const seconds = auditSettingsOf(deps.config).auditCheckpointIntervalSeconds
  let running: Promise<void> = Promise.resolve()
  const tick = (): Promise<void> => {
    running = running.then(async () => {
      try {
        const outcome = await writeCheckpoint(deps)
        if (outcome.written)
          deps.log.info({ treeSize: outcome.checkpoint.treeSize }, 'audit checkpoint written')
      } catch (error) {
        deps.log.error({ err: error }, 'audit checkpoint failed')
      }
    })
    return running
  }
  const timer = seconds > 0 ? setInterval(() => void tick(), seconds * 1000) : undefined
  timer?.unref()
  return Promise.resolve({
    name: 'audit checkpointer',
    async stop() {
      if (timer) clearInterval(timer)
      await tick()
    },
  })
}
