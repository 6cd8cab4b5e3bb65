import type { Clock } from '../deps.ts'

interface Window {
  /** Slots taken in this window: attempts under way plus those that failed. */
  count: number
  resetAt: number
  /** Whether a refusal in this window was already reported (audited once, not per attempt). */
  refusalReported: boolean
}

export type AttemptReservation<K extends string> =
  | {
      ok: true
      /** Gives the slots back: the attempt succeeded and does not count as a failure. */
      refund: () => void
    }
  | {
      ok: false
      /** The kind of key whose window is used up. */
      exhausted: K
      /** True for the first refusal in that window: the caller audits it once, not per attempt. */
      firstRefusal: boolean
      retryAfterSeconds: number
    }

export interface AttemptBudgetSettings<K extends string> {
  windowMs: number
  /** Failed (or still running) attempts each key of that kind may have per window. */
  limits: Readonly<Record<K, number>>
}

/**
 * Failed attempts at guessing a secret (password, pickup code), counted per key in fixed
 * windows and kept in memory (one process). Unlike counting after the check, an attempt takes
 * its slot BEFORE the expensive or revealing check runs, so N attempts arriving at once check
 * at most the limit and the rest are refused; a successful attempt gives its slots back.
 *
 * One attempt has a key of every kind (e.g. the user name and the client address); it goes
 * ahead only when every one of them has room, and then takes a slot in each.
 */
export class AttemptBudget<K extends string> {
  private readonly windows = new Map<K, Map<string, Window>>()
  private readonly kinds: readonly K[]

  constructor(
    private readonly clock: Clock,
    private readonly settings: AttemptBudgetSettings<K>,
  ) {
    this.kinds = Object.keys(settings.limits) as K[]
  }

  /** Takes a slot under every key, or none when one of them is used up. Synchronous: no await
   *  can slip between the check and the taking. */
  reserve(keys: Readonly<Record<K, string>>): AttemptReservation<K> {
    const now = this.clock.now().getTime()
    for (const kind of this.kinds) {
      const window = this.liveWindow(kind, keys[kind], now)
      if (window && window.count >= this.settings.limits[kind]) {
        const firstRefusal = !window.refusalReported
        window.refusalReported = true
        return {
          ok: false,
          exhausted: kind,
          firstRefusal,
          retryAfterSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
        }
      }
    }
    const taken = this.kinds.map((kind) => {
      const key = keys[kind]
      const live = this.liveWindow(kind, key, now)
      if (live) {
        live.count += 1
        return live
      }
      const fresh = { count: 1, resetAt: now + this.settings.windowMs, refusalReported: false }
      this.mapOf(kind, now).set(key, fresh)
      return fresh
    })
    let refunded = false
    return {
      ok: true,
      refund: () => {
        if (refunded) return
        refunded = true
        // A window that has expired meanwhile is no longer in the map; decrementing it is harmless.
        for (const window of taken) window.count = Math.max(0, window.count - 1)
      },
    }
  }

  private liveWindow(kind: K, key: string, now: number): Window | undefined {
    const window = this.windows.get(kind)?.get(key)
    return window && window.resetAt > now ? window : undefined
  }

  private mapOf(kind: K, now: number): Map<string, Window> {
    let map = this.windows.get(kind)
    if (!map) {
      map = new Map()
      this.windows.set(kind, map)
    }
    if (map.size > 10_000)
      for (const [key, window] of map) if (window.resetAt <= now) map.delete(key)
    return map
  }
}
