/**
 * CPU time of processes, for benchmarks that compare costs measured in the same run: CPU time is
 * what a busy, shared machine leaves least distorted (wall-clock time there mostly measures the
 * scheduler). Linux /proc; undefined elsewhere.
 */
import { readFileSync } from 'node:fs'
import { sql, type Kysely } from 'kysely'

/**
 * CPU time (user + system) a process has used so far. The kernel counts in clock ticks (10 ms),
 * coarse but exact over a run of several seconds.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return undefined
  }
}

/** CPU time all processes of the machine have used (/proc/stat: every state but idle and iowait). */
export function machineCpuMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0] ?? ''
    const ticks = line.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal (guest time is counted in user already)
    const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0)
    return (busy * 1000) / 100
  } catch {
    return undefined
  }
}

/** This process, all its threads, µs resolution. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/**
 * The PostgreSQL backends serving a kysely pool: `connections` queries held open at once make
 * the pool open (or reuse) that many connections, each reporting its backend's pid. Their CPU
 * time is the database's share of the work (the shared server serves others too, so the
 * machine-wide figure would not do).
 */
export async function postgresBackendPids<T>(
  db: Kysely<T>,
  connections: number,
): Promise<Set<number>> {
  const rows = await Promise.all(
    Array.from({ length: connections }, () =>
      sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.05)`.execute(db),
    ),
  )
  return new Set(rows.map((r) => Number(r.rows[0]?.pid)))
}

/**
 * CPU time used since construction by each pid of a set (a pid gone since counts nothing: the
 * pool closes idle connections, whose share is small).
 */
export class PidsCpuMeter {
  private readonly before = new Map<number, number>()
  constructor(private readonly pids: ReadonlySet<number>) {
    for (const pid of pids) this.before.set(pid, processCpuMs(pid) ?? 0)
  }
  read(): number {
    let total = 0
    for (const pid of this.pids) {
      const now = processCpuMs(pid)
      if (now !== undefined) total += now - (this.before.get(pid) ?? 0)
    }
    return total
  }
}
