import { AccountError } from '../../accounts/account-error.ts'
import type { User } from '../../accounts/account-schemas.ts'
import { mayAdminister, type AccountAction } from '../../accounts/admin-permissions.ts'
import type { Principal } from '../../accounts/roles.ts'
import { findUser } from '../../db/account-repository.ts'
import type { Deps } from '../deps.ts'

/**
 * The account an admin acts on, after the object rule (accounts/admin-permissions.ts): another
 * agency's account, or one of the instance's, is the same "not found" as an unknown one.
 */
export async function requireAdministrableAccount(
  deps: Pick<Deps, 'db'>,
  input: { principal: Principal; userId: string; action: AccountAction },
): Promise<User> {
  const user = await findUser(deps.db, input.userId)
  if (
    user === undefined ||
    !mayAdminister(input.principal, { kind: 'account', action: input.action, account: user })
  )
    throw new AccountError('ERR_ACCOUNT_NOT_FOUND', `No account ${input.userId}.`)
  return user
}
