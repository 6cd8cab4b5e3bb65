import { classifyDatabaseFailure, describeDatabaseFailure } from '../db/database-failure.ts'
import { writeReadinessProbe } from '../db/readiness-probe-repository.ts'
import type { Deps } from './deps.ts'

/**
 * The background parts this process must keep running to be ready (the delivery worker, when
 * `brucke serve` runs one). One board per running gateway, in `Deps.readiness`.
 */
export interface ReadinessBoard {
  /** Registers a part as running; the handle marks it stopped (it stays required). */
  register(name: string): { stopped(): void }
  parts(): { name: string; running: boolean }[]
}

export function createReadinessBoard(): ReadinessBoard {
  const parts = new Map<string, boolean>()
  return {
    register(name) {
      parts.set(name, true)
      return { stopped: () => void parts.set(name, false) }
    },
    parts: () => [...parts].map(([name, running]) => ({ name, running })),
  }
}

export interface ReadinessCheck {
  name: string
  ok: boolean
  /** Why not, in fixed words (e.g. `database unavailable: 57P01 admin_shutdown`). */
  reason?: string
}

export interface ReadinessReport {
  ready: boolean
  checks: ReadinessCheck[]
}

/**
 * Ready means: the database takes a commit (a real write, so a full disk or a read-only replica
 * shows) and every registered background part runs. Liveness (`/healthz`) asks none of this.
 */
export async function checkReadiness(
  deps: Pick<Deps, 'db' | 'database' | 'config' | 'clock' | 'log' | 'readiness'>,
): Promise<ReadinessReport> {
  const checks: ReadinessCheck[] = [await probeDatabase(deps)]
  for (const part of deps.readiness.parts()) {
    checks.push(
      part.running
        ? { name: part.name, ok: true }
        : { name: part.name, ok: false, reason: 'stopped' },
    )
  }
  return { ready: checks.every((c) => c.ok), checks }
}

const mebibyte = 1024 * 1024

async function probeDatabase(
  deps: Pick<Deps, 'db' | 'database' | 'config' | 'clock' | 'log'>,
): Promise<ReadinessCheck> {
  try {
    await writeReadinessProbe(deps.db, deps.clock.now())
    const minimum = deps.config.readyMinFreeMb * mebibyte
    const free = minimum > 0 ? deps.database.freeBytes?.() : undefined
    if (free !== undefined && free < minimum) {
      return {
        name: 'database',
        ok: false,
        reason: `database storage full: ${Math.floor(free / mebibyte)} MiB free, readyMinFreeMb is ${deps.config.readyMinFreeMb}`,
      }
    }
    return { name: 'database', ok: true }
  } catch (error) {
    const failure = classifyDatabaseFailure(error)
    if (failure) return { name: 'database', ok: false, reason: describeDatabaseFailure(failure) }
    // Not a known outage: the cause goes to the log, the probe's answer stays in fixed words.
    deps.log.error({ err: error }, 'readiness: database write probe failed')
    return { name: 'database', ok: false, reason: 'database write failed' }
  }
}
