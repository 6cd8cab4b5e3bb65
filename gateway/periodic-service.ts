import type { Logger } from 'pino'
import { classifyDatabaseFailure, describeDatabaseFailure } from '../db/database-failure.ts'
import type { GatewayMetrics } from './metrics/gateway-metrics.ts'
import type { Service } from './serve.ts'

/** A tick that resolves to this asks for the next tick at once (a full batch: more is due). */
export const tickAgain = 'again'

export interface PeriodicServiceInput {
  /** The service's name in `brucke serve` and in the log line of a failed tick. */
  name: string
  /** Pause between the end of one tick and the start of the next; 0 runs no timer at all. */
  intervalMs: number
  log: Pick<Logger, 'error' | 'warn'>
  /** Counts a failed tick's database error (`brucke_db_errors_total`). */
  metrics?: Pick<GatewayMetrics, 'databaseError'>
  /** One round of work; never two at once. Resolving {@link tickAgain} skips the pause. */
  tick: () => Promise<unknown>
  /** The first tick at once (default: a sweep takes effect from the start) or after one pause. */
  firstTick?: 'at-start' | 'after-interval'
  /** One more tick when stopping, after the running one (the checkpointer seals the last entries). */
  finalTick?: boolean
}

export interface PeriodicService extends Service {
  /** Runs the next tick now instead of after the pause; during a tick, right after it. */
  wake(): void
}

/**
 * The loop behind every background sweeper and monitor of `brucke serve`: one tick at a time,
 * the next `intervalMs` after the previous one ended. A failing tick is logged with the service's
 * name and the loop goes on. `stop` waits for a running tick, so a clean shutdown never cuts one
 * off in the middle (the delivery worker: a message accepted by SMTP but not yet recorded). The
 * timer does not keep the process alive on its own; `brucke serve` has its HTTP server for that.
 */
export function startPeriodicService(input: PeriodicServiceInput): PeriodicService {
  let stopped = false
  let stopping: Promise<void> | undefined
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let wokenMeanwhile = false

  const runTick = async (): Promise<unknown> => {
    try {
      return await input.tick()
    } catch (error) {
      input.metrics?.databaseError(error)
      // A database outage is named as such (code only: the error may carry a statement's
      // values); the next tick tries again, which is all a restart of the database needs.
      const outage = classifyDatabaseFailure(error)
      if (outage) {
        input.log.warn(
          { periodicService: input.name, dependency: 'database', dbCode: outage.code },
          `${input.name}: ${describeDatabaseFailure(outage)}`,
        )
      } else {
        input.log.error({ err: error, periodicService: input.name }, `${input.name}: tick failed`)
      }
      return undefined
    }
  }
  const schedule = (delayMs: number): void => {
    if (stopped) return
    timer = setTimeout(run, delayMs)
    timer.unref()
  }
  function run(): void {
    timer = undefined
    wokenMeanwhile = false
    running = runTick().then((outcome) => {
      running = undefined
      if (outcome === tickAgain || wokenMeanwhile) schedule(0)
      else if (input.intervalMs > 0) schedule(input.intervalMs)
    })
  }

  if ((input.firstTick ?? 'at-start') === 'at-start') run()
  else if (input.intervalMs > 0) schedule(input.intervalMs)

  return {
    name: input.name,
    wake() {
      if (stopped) return
      if (running) {
        wokenMeanwhile = true
        return
      }
      if (timer) clearTimeout(timer)
      schedule(0)
    },
    stop() {
      stopping ??= (async () => {
        stopped = true
        if (timer) clearTimeout(timer)
        timer = undefined
        await running
        if (input.finalTick) await runTick()
      })()
      return stopping
    },
  }
}
