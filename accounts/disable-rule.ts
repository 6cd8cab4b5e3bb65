import { AccountError } from './account-error.ts'
import type { User } from './account-schemas.ts'

/**
 * Refuses to disable the last enabled admin when `protectLastAdmin` is set — as it is for the
 * admin page and the API, where that admin is the caller and would lock every admin out of the
 * web UI. The operator's CLI may (a compromised last admin must go in one step; the CLI can
 * enable an account again).
 */
export function checkDisableAllowed(input: {
  target: User
  enabledAdminIds: readonly string[]
  protectLastAdmin: boolean
}): void {
  const { target } = input
  if (!input.protectLastAdmin || target.role !== 'admin' || target.disabled) return
  const others = input.enabledAdminIds.filter((id) => id !== target.id)
  if (others.length === 0)
    throw new AccountError(
      'ERR_ACCOUNT_LAST_ADMIN',
      `${target.id} is the last enabled admin; enable or add another admin first.`,
    )
}
