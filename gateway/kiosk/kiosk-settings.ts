import type { Config } from '../runtime-config.ts'

/** Minutes a youth's self-service session lives, counted from sign-in. */
export const selfServiceSessionMinutes = 10

/** KIOSK_IDLE_SECONDS (config/schema.ts). */
export function kioskIdleSecondsOf(config: Config): number {
  return config.kioskIdleSeconds
}

/** MAJORITY_GRACE_DAYS (config/schema.ts). */
export function majorityGraceDaysOf(config: Config): number {
  return config.majorityGraceDays
}
