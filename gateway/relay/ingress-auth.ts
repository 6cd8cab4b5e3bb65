import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { checkThrottledPasswordLogin, type LoginBudget } from '../auth/login-throttle.ts'
import type { Deps } from '../deps.ts'

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
 * every other outcome is the same `refused` (no account enumeration). Each AUTH takes a slot of
 * the failure limit (per user name and per client address) before the password is checked, so
 * parallel connections cannot guess past it; an accepted login gives its slot back. Failures are
 * audited like failed logins; a non-staff account with the right password is audited as a
 * refused permission and keeps its slot.
 */
export async function authenticateIngressUser(
  deps: Pick<Deps, 'db' | 'clock' | 'passwords'>,
  input: { username: string; password: string; remoteAddress: string; budget: LoginBudget },
): Promise<IngressAuthResult> {
  const now = deps.clock.now()
  const login = await checkThrottledPasswordLogin(deps, {
    budget: input.budget,
    username: input.username,
    password: input.password,
    remoteAddress: input.remoteAddress,
    at: now,
  })
  if (!login.ok) return { ok: false, reason: login.reason }
  const { user } = login
  const agency = user.agencyId ? await findAgency(deps.db, user.agencyId) : undefined
  if (user.role !== 'staff' || !agency) {
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
  login.refund()
  return { ok: true, user: { userId: user.id, agencyId: agency.id, agencyMailbox: agency.mailbox } }
}
