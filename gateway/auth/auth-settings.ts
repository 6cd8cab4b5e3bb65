import type { Config } from '../runtime-config.ts'

/** The password-guessing limits (config/schema.ts: AUTH_FAILURE_*), as the throttle takes them. */
export interface LoginThrottleSettings {
  perUser: number
  perAddress: number
  windowMinutes: number
}

export function loginThrottleSettingsOf(config: Config): LoginThrottleSettings {
  return {
    perUser: config.authFailureLimit,
    perAddress: config.authFailureLimitPerAddress,
    windowMinutes: config.authFailureWindowMinutes,
  }
}
