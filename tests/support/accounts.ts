import type { Role } from '../../accounts/roles.ts'
import { addAgency, addUser } from '../../gateway/accounts/account-service.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import type { Deps } from '../../gateway/deps.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'

export const testPassword = 'correct horse battery staple'

/** The three demo agencies plus one account per role and agency, and tokens for each. */
export async function seedAccounts(deps: Deps): Promise<{ tokens: Record<string, string> }> {
  for (const agency of demoAgencies) await addAgency(deps, { actor: 'system', agency })
  const accounts: { id: string; role: Role; agencyId: string | null; allAgencies?: boolean }[] = [
    { id: 'staff-jc', role: 'staff', agencyId: 'jc-demo' },
    { id: 'staff-aa', role: 'staff', agencyId: 'aa-demo' },
    { id: 'staff-ja', role: 'staff', agencyId: 'ja-demo' },
    { id: 'dpo-jc', role: 'dpo', agencyId: 'jc-demo' },
    { id: 'dpo-all', role: 'dpo', agencyId: null, allAgencies: true },
    { id: 'admin', role: 'admin', agencyId: null },
    { id: 'kiosk-jc', role: 'kiosk', agencyId: 'jc-demo' },
  ]
  const tokens: Record<string, string> = {}
  for (const account of accounts) {
    await addUser(deps, {
      actor: 'system',
      user: { ...account, displayName: `Test ${account.id}`, password: testPassword },
    })
    const { token } = await issueToken({
      key: deps.config.secrets.tokenKey,
      userId: account.id,
      role: account.role,
      agencyId: account.agencyId,
      now: deps.clock.now(),
      ttlMinutes: 60,
    })
    tokens[account.id] = token
  }
  return { tokens }
}

/** One more account beyond the seeded ones (e.g. a second agency's kiosk), with a fresh token. */
export async function addTestAccount(
  deps: Deps,
  account: { id: string; role: Role; agencyId: string | null },
): Promise<string> {
  await addUser(deps, {
    actor: 'system',
    user: { ...account, displayName: `Test ${account.id}`, password: testPassword },
  })
  const { token } = await issueToken({
    key: deps.config.secrets.tokenKey,
    userId: account.id,
    role: account.role,
    agencyId: account.agencyId,
    now: deps.clock.now(),
    ttlMinutes: 60,
  })
  return token
}
