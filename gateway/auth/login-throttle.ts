import type { User } from '../../accounts/account-schemas.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'
import { AttemptBudget } from '../http/attempt-budget.ts'
import { loginThrottleSettingsOf } from './auth-settings.ts'
import { auditableUsername, checkPasswordLogin } from './password-login.ts'

/** Failed password checks per user name and per client address. */
export type LoginBudget = AttemptBudget<'user' | 'address'>

/** One budget per channel (login page, SMTP ingress), built once when the channel starts. */
export function createLoginBudget(deps: Pick<Deps, 'clock' | 'config'>): LoginBudget {
  const settings = loginThrottleSettingsOf(deps.config)
  return new AttemptBudget(deps.clock, {
    windowMs: settings.windowMinutes * 60_000,
    limits: { user: settings.perUser, address: settings.perAddress },
  })
}

export type ThrottledLogin =
  | {
      ok: true
      user: User
      /** Gives the attempt's slots back; the caller calls it when it accepts the login. */
      refund: () => void
    }
  | { ok: false; reason: 'refused' }
  | { ok: false; reason: 'rate_limited'; retryAfterSeconds: number }

/**
 * {@link checkPasswordLogin} behind the failure limit: the attempt takes its slot (per user name
 * and per client address) BEFORE the scrypt runs, so many parallel guesses check at most the
 * limit, however fast they arrive. Failed checks keep their slot for the window; the caller
 * refunds an accepted login. The first refusal in a window is audited as `login_failed` with
 * reason `rate_limited` (once, so a flood of refused attempts cannot flood the audit log).
 */
export async function checkThrottledPasswordLogin(
  deps: Pick<Deps, 'db' | 'passwords'>,
  input: {
    budget: LoginBudget
    username: string
    password: string
    remoteAddress: string
    at: Date
  },
): Promise<ThrottledLogin> {
  const reservation = input.budget.reserve({
    user: input.username.trim().toLowerCase().slice(0, 128),
    address: input.remoteAddress,
  })
  if (!reservation.ok) {
    if (reservation.firstRefusal)
      await appendAuditEvent(deps.db, {
        at: input.at,
        actor: 'system',
        event: {
          type: 'login_failed',
          username: auditableUsername(input.username),
          reason: 'rate_limited',
        },
      })
    return { ok: false, reason: 'rate_limited', retryAfterSeconds: reservation.retryAfterSeconds }
  }
  let login: Awaited<ReturnType<typeof checkPasswordLogin>>
  try {
    login = await checkPasswordLogin(deps, input)
  } catch (error) {
    // A broken database is no guess: it must not use up anyone's attempts.
    reservation.refund()
    throw error
  }
  if (!login.ok) return { ok: false, reason: 'refused' }
  return { ok: true, user: login.user, refund: reservation.refund }
}
