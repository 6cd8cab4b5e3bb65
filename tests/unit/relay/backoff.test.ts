import { describe, expect, it } from 'vitest'
import { configSchema } from '../../../config/schema.ts'
import { backoffDelayMs } from '../../../gateway/relay/delivery-worker.ts'

/** The relay's retry schedule (issue 19 point 5): exponential with full jitter, capped. */
describe('the retry backoff of the delivery worker', () => {
  const defaults = configSchema.parse({})
  const settings = { backoffBaseMs: 5_000, backoffCapMs: defaults.relayBackoffCapSeconds * 1000 }

  it('when a receiver is down for many attempts, then no wait exceeds the default cap of 30 s, so it is drained within a minute of its return', () => {
    expect(defaults.relayBackoffCapSeconds).toBe(30)
    const longest = (attempt: number) => backoffDelayMs(attempt, settings, () => 0.999999)
    for (let attempt = 1; attempt <= 200; attempt++)
      expect(longest(attempt), `attempt ${attempt}`).toBeLessThanOrEqual(30_000)
    // The cap is reached, not merely bounded: from the third attempt the ceiling is the cap.
    expect(longest(3)).toBeGreaterThan(29_000)
  })

  it('when the attempt is early, then the exponential part still spreads the waits below the cap', () => {
    expect(backoffDelayMs(1, settings, () => 0.999999)).toBeLessThanOrEqual(10_000)
    expect(backoffDelayMs(2, settings, () => 0.5)).toBe(10_000)
    expect(backoffDelayMs(5, settings, () => 0)).toBe(0)
  })

  it('when an operator sets another cap, then the waits follow it', () => {
    const own = { ...settings, backoffCapMs: 120_000 }
    expect(backoffDelayMs(10, own, () => 0.5)).toBe(60_000)
  })

  it('when the heartbeat is not at most half the lease, then the configuration is refused', () => {
    expect(
      configSchema.safeParse({ relayLeaseSeconds: 30, relayHeartbeatSeconds: 20 }).success,
    ).toBe(false)
    expect(
      configSchema.safeParse({ relayLeaseSeconds: 30, relayHeartbeatSeconds: 15 }).success,
    ).toBe(true)
    expect(defaults.relayLeaseSeconds).toBeLessThanOrEqual(45)
  })
})
