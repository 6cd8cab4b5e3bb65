import { describe, expect, it } from 'vitest'
import {
  mayAdminister,
  type AccountAction,
  type AccountFacts,
  type AdminAction,
  type CertificateAction,
  type KioskAction,
} from '../../../accounts/admin-permissions.ts'
import type { Principal, Role } from '../../../accounts/roles.ts'

const who = (role: Role, agencyId: string | null, allAgencies = false): Principal => ({
  userId: `${role}-${agencyId ?? 'all'}`,
  role,
  agencyId,
  allAgencies,
  via: 'session',
})

const instanceAdmin = who('admin', null)
const ownAdmin = who('admin', 'ja-demo')
/** Every party that must never administer an object of ja-demo. */
const everyOtherParty: [string, Principal | undefined][] = [
  ['admin of another agency', who('admin', 'jc-demo')],
  ['staff of the same agency', who('staff', 'ja-demo')],
  ['staff of another agency', who('staff', 'jc-demo')],
  ['DPO of the same agency', who('dpo', 'ja-demo')],
  ['DPO of all agencies', who('dpo', null, true)],
  ['kiosk device of the same agency', who('kiosk', 'ja-demo')],
  ['anonymous or /me', undefined],
]

const certificateActions: CertificateAction[] = ['view', 'import', 'roll_over', 'revoke']
const accountActions: AccountAction[] = [
  'view',
  'create',
  'disable',
  'enable',
  'reset_password',
  'end_sessions',
  'revoke_tokens',
]
const kioskActions: KioskAction[] = ['view', 'lock', 'unlock']

const account = (role: Role, agencyId: string | null, allAgencies = false): AccountFacts => ({
  role,
  agencyId,
  allAgencies,
})

describe('who may administer which object (issue 18 point 7)', () => {
  it("a hosted agency's certificates: the instance admin and that agency's admin, nobody else", () => {
    for (const action of certificateActions) {
      const request: AdminAction = {
        kind: 'certificate',
        action,
        agency: { id: 'ja-demo', hosted: true },
      }
      expect(mayAdminister(instanceAdmin, request), action).toBe(true)
      expect(mayAdminister(ownAdmin, request), action).toBe(true)
      for (const [name, party] of everyOtherParty)
        expect(mayAdminister(party, request), `${name} ${action}`).toBe(false)
    }
  })

  it("a partner's certificates come from its card: its own agency's admin only looks", () => {
    for (const action of certificateActions) {
      const request: AdminAction = {
        kind: 'certificate',
        action,
        agency: { id: 'ja-demo', hosted: false },
      }
      expect(mayAdminister(instanceAdmin, request), action).toBe(true)
      expect(mayAdminister(ownAdmin, request), action).toBe(action === 'view')
      for (const [name, party] of everyOtherParty)
        expect(mayAdminister(party, request), `${name} ${action}`).toBe(false)
    }
  })

  it("an agency's accounts: the instance admin and that agency's admin, nobody else", () => {
    for (const role of ['staff', 'dpo', 'admin', 'kiosk'] as const)
      for (const action of accountActions) {
        const request: AdminAction = { kind: 'account', action, account: account(role, 'ja-demo') }
        expect(mayAdminister(instanceAdmin, request), `${role} ${action}`).toBe(true)
        expect(mayAdminister(ownAdmin, request), `${role} ${action}`).toBe(true)
        for (const [name, party] of everyOtherParty)
          expect(mayAdminister(party, request), `${name}: ${role} ${action}`).toBe(false)
      }
  })

  it("accounts of no agency (the instance's admin, a DPO of all agencies) only for the instance admin", () => {
    for (const target of [account('admin', null), account('dpo', null, true)])
      for (const action of accountActions) {
        const request: AdminAction = { kind: 'account', action, account: target }
        expect(mayAdminister(instanceAdmin, request), action).toBe(true)
        expect(mayAdminister(ownAdmin, request), action).toBe(false)
        for (const [name, party] of everyOtherParty)
          expect(mayAdminister(party, request), `${name} ${action}`).toBe(false)
      }
  })

  it("an agency's kiosk devices: the instance admin and that agency's admin, nobody else", () => {
    for (const action of kioskActions) {
      const request: AdminAction = { kind: 'kiosk', action, kiosk: account('kiosk', 'ja-demo') }
      expect(mayAdminister(instanceAdmin, request), action).toBe(true)
      expect(mayAdminister(ownAdmin, request), action).toBe(true)
      for (const [name, party] of everyOtherParty)
        expect(mayAdminister(party, request), `${name} ${action}`).toBe(false)
    }
  })

  it('the kiosk levers act on kiosk devices only, whoever asks', () => {
    for (const role of ['staff', 'dpo', 'admin'] as const)
      for (const action of kioskActions)
        expect(
          mayAdminister(instanceAdmin, {
            kind: 'kiosk',
            action,
            kiosk: account(role, 'ja-demo'),
          }),
        ).toBe(false)
  })

  it('every CRL fetched now concerns the whole instance: its administration only', () => {
    const request: AdminAction = { kind: 'crl_refresh' }
    expect(mayAdminister(instanceAdmin, request)).toBe(true)
    expect(mayAdminister(ownAdmin, request)).toBe(false)
    for (const [name, party] of everyOtherParty)
      expect(mayAdminister(party, request), name).toBe(false)
  })
})
