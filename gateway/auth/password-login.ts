import type { User } from '../../accounts/account-schemas.ts'
import { findUserWithPasswordHash } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'
import { verifyPassword } from './password.ts'

/**
 * Checks a user id and password, for the login page and SMTP AUTH alike. A failure — unknown
 * user, wrong password, disabled account — is audited as `login_failed` with its reason and the
 * name as typed (reduced to safe characters); the caller tells the client only that it failed.
 */
export async function checkPasswordLogin(
  deps: Pick<Deps, 'db'>,
  input: { username: string; password: string; at: Date },
): Promise<{ ok: true; user: User } | { ok: false }> {
  const found = await findUserWithPasswordHash(deps.db, input.username.trim())
  const passwordOk =
    found?.passwordHash && input.password.length <= 500
      ? await verifyPassword(input.password, found.passwordHash)
      : false
  if (found && passwordOk && !found.user.disabled) return { ok: true, user: found.user }
  await appendAuditEvent(deps.db, {
    at: input.at,
    actor: 'system',
    event: {
      type: 'login_failed',
      username: input.username.replace(/[^A-Za-z0-9._@-]/g, '?').slice(0, 128) || '?',
      reason: !found
        ? 'unknown_user'
        : found.user.disabled && passwordOk
          ? 'disabled'
          : 'bad_password',
    },
  })
  return { ok: false }
}
