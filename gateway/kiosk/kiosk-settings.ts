import type { Config } from '../runtime-config.ts'

/** Defaults of the kiosk keys (config/schema.ts: KIOSK_IDLE_SECONDS, MAJORITY_GRACE_DAYS). */
export const kioskDefaults = { idleSeconds: 120, majorityGraceDays: 90 } as const

/** Minutes a youth's self-service session lives, counted from sign-in. */
export const selfServiceSessionMinutes = 10

export function kioskIdleSecondsOf(config: Config): number {
  return config.kioskIdleSeconds ?? kioskDefaults.idleSeconds
}

export function majorityGraceDaysOf(config: Config): number {
  return config.majorityGraceDays ?? kioskDefaults.majorityGraceDays
}
