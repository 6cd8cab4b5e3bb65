import type { Config } from '../runtime-config.ts'

/**
 * Defaults of the password-guessing limits (config/schema.ts: AUTH_FAILURE_LIMIT,
 * AUTH_FAILURE_LIMIT_PER_ADDRESS, AUTH_FAILURE_WINDOW_MINUTES). The per-address limit is the
 * higher one: an agency behind one NAT or proxy shares its address, and a few typos of its staff
 * must not lock everyone out.
 */
export const authDefaults = {
  failureLimit: 10,
  failureLimitPerAddress: 50,
  failureWindowMinutes: 15,
} as const

export interface LoginThrottleSettings {
  perUser: number
  perAddress: number
  windowMinutes: number
}

export function loginThrottleSettingsOf(config: Config): LoginThrottleSettings {
  return {
    perUser: config.authFailureLimit ?? authDefaults.failureLimit,
    perAddress: config.authFailureLimitPerAddress ?? authDefaults.failureLimitPerAddress,
    windowMinutes: config.authFailureWindowMinutes ?? authDefaults.failureWindowMinutes,
  }
}
