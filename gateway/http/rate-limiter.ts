import type { Clock } from '../deps.ts'

/**
 * Fixed-window attempt counter kept in memory (one process). Used against receipt-code
 * guessing; the window restarts after `windowMs`. Passwords and pickup codes use
 * `AttemptBudget` (attempt-budget.ts), which reserves before the check and refunds a success.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>()

  constructor(
    private readonly clock: Clock,
    private readonly maxAttempts: number,
    private readonly windowMs: number,
  ) {}

  /** Counts an attempt; returns false when the key has used up its window. */
  attempt(key: string): boolean {
    const now = this.clock.now().getTime()
    if (this.windows.size > 10_000) this.sweep(now)
    const window = this.windows.get(key)
    if (!window || window.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs })
      return true
    }
    window.count += 1
    return window.count <= this.maxAttempts
  }

  reset(key: string): void {
    this.windows.delete(key)
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key)
  }
}
