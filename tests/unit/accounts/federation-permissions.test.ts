import { describe, expect, it } from 'vitest'
import { mayManageFederation } from '../../../accounts/federation-permissions.ts'
import type { Principal, Role } from '../../../accounts/roles.ts'

const who = (role: Role, agencyId: string | null): Principal => ({
  userId: `${role}-${agencyId ?? 'all'}`,
  role,
  agencyId,
  allAgencies: role === 'dpo' && agencyId === null,
  via: 'session',
})

describe('who may manage federation (issue 16 point 1)', () => {
  it.each(['import_card', 'register_agency'] as const)(
    'only an instance administrator may %s; every other party is refused',
    (kind) => {
      expect(mayManageFederation(who('admin', null), { kind })).toBe(true)
      for (const party of [
        who('admin', 'jc-demo'),
        who('staff', 'jc-demo'),
        who('dpo', null),
        who('dpo', 'jc-demo'),
        who('kiosk', 'jc-demo'),
      ])
        expect(mayManageFederation(party, { kind }), party.userId).toBe(false)
    },
  )

  it("an agency's profile: the instance administrator or that agency's administrator only", () => {
    const action = { kind: 'set_profile', agencyId: 'ja-demo' } as const
    expect(mayManageFederation(who('admin', null), action)).toBe(true)
    expect(mayManageFederation(who('admin', 'ja-demo'), action)).toBe(true)
    for (const party of [
      who('admin', 'jc-demo'),
      who('staff', 'ja-demo'),
      who('dpo', null),
      who('dpo', 'ja-demo'),
      who('kiosk', 'ja-demo'),
    ])
      expect(mayManageFederation(party, action), party.userId).toBe(false)
  })
})
