import { describe, expect, it } from 'vitest'
import type { User } from '../../../accounts/account-schemas.ts'
import { checkDisableAllowed } from '../../../accounts/disable-rule.ts'

const account = (id: string, role: User['role'], disabled = false): User => ({
  id,
  displayName: `Test ${id}`,
  role,
  agencyId: role === 'admin' ? null : 'jc-demo',
  allAgencies: false,
  disabled,
})

describe('disabling an account (last enabled admin)', () => {
  it('refuses the last enabled admin when protected, naming ERR_ACCOUNT_LAST_ADMIN', () => {
    expect(() =>
      checkDisableAllowed({
        target: account('admin', 'admin'),
        enabledAdminIds: ['admin'],
        protectLastAdmin: true,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_ACCOUNT_LAST_ADMIN' }))
  })

  it('allows an admin while another admin stays enabled', () => {
    expect(() =>
      checkDisableAllowed({
        target: account('admin', 'admin'),
        enabledAdminIds: ['admin', 'admin-two'],
        protectLastAdmin: true,
      }),
    ).not.toThrow()
  })

  it('allows the operator (unprotected) to disable the last admin, and any non-admin always', () => {
    expect(() =>
      checkDisableAllowed({
        target: account('admin', 'admin'),
        enabledAdminIds: ['admin'],
        protectLastAdmin: false,
      }),
    ).not.toThrow()
    for (const role of ['staff', 'dpo', 'kiosk'] as const)
      expect(() =>
        checkDisableAllowed({
          target: account(`x-${role}`, role),
          enabledAdminIds: [],
          protectLastAdmin: true,
        }),
      ).not.toThrow()
  })
})
