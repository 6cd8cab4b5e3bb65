import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { checkPasswordLogin } from '../auth/password-login.ts'
import type { Deps } from '../deps.ts'
import type { RateLimiter } from '../http/rate-limiter.ts'

/** The staff member behind an authenticated SMTP session. */
export interface IngressUser {
  userId: string
  agencyId: string
  /** The agency's functional mailbox; MAIL FROM must be in its domain. */
  agencyMailbox: string
}

export type IngressAuthResult =
  { ok: true; user: IngressUser } | { ok: false; reason: 'rate_limited' | 'refused' }

/**
 * SMTP AUTH (RFC 4954) against the local accounts, as the login page does: the user id as
 * user name, the account's password. Only enabled `staff` accounts with an agency may submit;
 * every other outcome is the same `refused` (no account enumeration). Failures are counted per
 * client address and audited like failed logins; a non-staff account with the right password
 * is audited as a refused permission.
 */
export async function authenticateIngressUser(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { username: string; password: string; remoteAddress: string; limiter: RateLimiter },
): Promise<IngressAuthResult> {
  const key = `smtp|${input.remoteAddress}`
  if (input.limiter.blocked(key)) return { ok: false, reason: 'rate_limited' }
  const now = deps.clock.now()
  const login = await checkPasswordLogin(deps, {
    username: input.username,
    password: input.password,
    at: now,
  })
  if (!login.ok) {
    input.limiter.attempt(key)
    return { ok: false, reason: 'refused' }
  }
  const { user } = login
  const agency = user.agencyId ? await findAgency(deps.db, user.agencyId) : undefined
  if (user.role !== 'staff' || !agency) {
    input.limiter.attempt(key)
    await appendAuditEvent(deps.db, {
      at: now,
      actor: user.role === 'kiosk' ? `kiosk:${user.id}` : `user:${user.id}`,
      event: {
        type: 'permission_refused',
        method: 'AUTH',
        route: 'smtp-ingress',
        role: user.role,
        ...(user.agencyId ? { agencyId: user.agencyId } : {}),
        reason: 'only staff may submit by mail',
      },
    })
    return { ok: false, reason: 'refused' }
  }
  return { ok: true, user: { userId: user.id, agencyId: agency.id, agencyMailbox: agency.mailbox } }
}
