import type { User } from '../../accounts/account-schemas.ts'
import { findUserWithPasswordHash } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'
import { dummyPasswordHash } from './password.ts'

/** A user name as the audit log may keep it: safe characters only, at most 128. */
export function auditableUsername(username: string): string {
  return username.replace(/[^A-Za-z0-9._@-]/g, '?').slice(0, 128) || '?'
}

/**
 * Checks a user id and password, for the login page and SMTP AUTH alike. A failure — unknown
 * user, wrong password, disabled account — is audited as `login_failed` with its reason and the
 * name as typed (reduced to safe characters); the caller tells the client only that it failed.
 *
 * Every path runs exactly one scrypt of the same cost: a name without a password hash (unknown,
 * or an account without a password) is checked against {@link dummyPasswordHash}, so the time
 * of the answer does not tell an attacker which names exist.
 */
export async function checkPasswordLogin(
  deps: Pick<Deps, 'db' | 'passwords'>,
  input: { username: string; password: string; at: Date },
): Promise<{ ok: true; user: User } | { ok: false }> {
  const found = await findUserWithPasswordHash(deps.db, input.username.trim())
  const stored = found?.passwordHash ?? dummyPasswordHash
  const matches =
    input.password.length <= 500 ? await deps.passwords.verify(input.password, stored) : false
  // The dummy hash never signs anyone in, whatever was typed.
  const passwordOk = matches && Boolean(found?.passwordHash)
  if (found && passwordOk && !found.user.disabled) return { ok: true, user: found.user }
  await appendAuditEvent(deps.db, {
    at: input.at,
    actor: 'system',
    event: {
      type: 'login_failed',
      username: auditableUsername(input.username),
      reason: !found
        ? 'unknown_user'
        : found.user.disabled && passwordOk
          ? 'disabled'
          : 'bad_password',
    },
  })
  return { ok: false }
}
