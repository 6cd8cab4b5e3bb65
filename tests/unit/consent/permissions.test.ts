import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SignatureMethod } from '../../../consent/consent.ts'
import {
  authorizeConsentAction,
  maySee,
  relationOf,
  type ConsentAction,
  type ConsentActor,
  type ConsentPartyFacts,
  type KioskFlow,
} from '../../../consent/permissions.ts'
import { consentStatuses, type ConsentStatus } from '../../../consent/status.ts'

/**
 * Who may do what to one consent (issue «Consent integrity» point 1): tried for every kind of
 * party — the creating agency, another sending agency, a recipient, an unrelated agency — every
 * kind of caller, every action and every status.
 */

const agencies = ['jc-demo', 'aa-demo', 'ja-demo', 'tr-demo'] as const
/** jc-demo prepared it and sends; aa-demo sends too; ja-demo receives; tr-demo is no party. */
const consentOf = (status: ConsentStatus, id = 'cns_1'): ConsentPartyFacts => ({
  id,
  createdByAgencyId: 'jc-demo',
  senders: ['jc-demo', 'aa-demo'],
  recipients: ['ja-demo'],
  status,
})

const methods: SignatureMethod[] = ['kiosk_drawn', 'kiosk_typed', 'paper_scan', 'staff_attested']
const actions: ConsentAction[] = [
  { type: 'view' },
  { type: 'pick_up' },
  { type: 'push_to_kiosk', purpose: 'sign' },
  { type: 'push_to_kiosk', purpose: 'confirm_majority' },
  { type: 'discard' },
  ...methods.map((method) => ({ type: 'sign' as const, method })),
  { type: 'decline' },
  { type: 'revoke' },
  { type: 'confirm_majority', method: 'kiosk_drawn' },
  { type: 'confirm_majority', method: 'kiosk_typed' },
  { type: 'confirm_majority', method: 'staff_attested' },
  { type: 'renew' },
]

const flowArb: fc.Arbitrary<KioskFlow | null> = fc.option(
  fc.record({
    consentId: fc.constantFrom('cns_1', 'cns_2'),
    step: fc.constantFrom<KioskFlow['step']>('read', 'choose', 'sign', 'receipt'),
    purpose: fc.constantFrom<KioskFlow['purpose']>('sign', 'confirm_majority'),
  }),
  { nil: null },
)
const receiptArb = fc.subarray(['cns_1', 'cns_2'])
const actorArb: fc.Arbitrary<ConsentActor> = fc.oneof(
  fc.record({ kind: fc.constant('staff' as const), agencyId: fc.constantFrom(...agencies) }),
  fc.record({
    kind: fc.constant('kiosk' as const),
    agencyId: fc.constantFrom(...agencies),
    flow: flowArb,
    receiptConsentIds: receiptArb,
  }),
  fc.record({ kind: fc.constant('self_service' as const), receiptConsentIds: receiptArb }),
  fc.constant({ kind: 'none' as const }),
)
const statusArb = fc.constantFrom(...consentStatuses)
const actionArb = fc.constantFrom(...actions)
const runs = { numRuns: 2000 }

const allowed = (actor: ConsentActor, action: ConsentAction, status: ConsentStatus) =>
  authorizeConsentAction(actor, action, consentOf(status)).allowed

describe('authorizeConsentAction (examples)', () => {
  const staff = (agencyId: string): ConsentActor => ({ kind: 'staff', agencyId })
  const kiosk = (agencyId: string, flow: KioskFlow | null, receipts: string[] = []) =>
    ({ kind: 'kiosk', agencyId, flow, receiptConsentIds: receipts }) as const
  const signFlow: KioskFlow = { consentId: 'cns_1', step: 'sign', purpose: 'sign' }

  it('the creating agency prepares, pushes to its kiosk and discards; nobody else does', () => {
    for (const action of [
      { type: 'discard' },
      { type: 'push_to_kiosk', purpose: 'sign' },
    ] as const) {
      expect(allowed(staff('jc-demo'), action, 'draft')).toBe(true)
      expect(authorizeConsentAction(staff('aa-demo'), action, consentOf('draft'))).toMatchObject({
        code: 'ERR_CONSENT_NOT_CREATOR',
      })
      expect(authorizeConsentAction(staff('ja-demo'), action, consentOf('draft'))).toMatchObject({
        code: 'ERR_CONSENT_NOT_CREATOR',
      })
      expect(authorizeConsentAction(staff('tr-demo'), action, consentOf('draft'))).toMatchObject({
        code: 'ERR_CONSENT_NOT_FOUND',
      })
    }
  })

  it('only sending agencies record paper or in-person signatures; a recipient never does', () => {
    for (const method of ['paper_scan', 'staff_attested'] as const) {
      const sign = { type: 'sign', method } as const
      expect(allowed(staff('jc-demo'), sign, 'draft')).toBe(true)
      expect(allowed(staff('aa-demo'), sign, 'draft')).toBe(true)
      expect(authorizeConsentAction(staff('ja-demo'), sign, consentOf('draft'))).toMatchObject({
        code: 'ERR_CONSENT_NOT_SENDER',
      })
      expect(authorizeConsentAction(staff('tr-demo'), sign, consentOf('draft'))).toMatchObject({
        code: 'ERR_CONSENT_NOT_FOUND',
      })
      expect(authorizeConsentAction(staff('jc-demo'), sign, consentOf('active'))).toMatchObject({
        code: 'ERR_CONSENT_NOT_DRAFT',
      })
    }
  })

  it('a kiosk signs only inside its live flow on this draft, and only the preparing agency’s kiosk', () => {
    // The typed signature (keyboard, screen reader) follows exactly the drawn one's rule.
    for (const method of ['kiosk_drawn', 'kiosk_typed'] as const)
      kioskSigningRule({ type: 'sign', method })
  })

  function kioskSigningRule(sign: { type: 'sign'; method: 'kiosk_drawn' | 'kiosk_typed' }) {
    expect(allowed(kiosk('jc-demo', signFlow), sign, 'draft')).toBe(true)
    expect(allowed(kiosk('jc-demo', { ...signFlow, step: 'read' }), sign, 'draft')).toBe(true)
    // No flow, a flow on another draft, a finished flow, a confirmation flow, another agency.
    expect(authorizeConsentAction(kiosk('jc-demo', null), sign, consentOf('draft'))).toMatchObject({
      code: 'ERR_CONSENT_NOT_FOUND',
    })
    expect(
      authorizeConsentAction(
        kiosk('jc-demo', { ...signFlow, consentId: 'cns_2' }),
        sign,
        consentOf('draft'),
      ),
    ).toMatchObject({ code: 'ERR_CONSENT_NOT_FOUND' })
    for (const flow of [
      { ...signFlow, step: 'receipt' as const },
      { ...signFlow, purpose: 'confirm_majority' as const },
    ])
      expect(
        authorizeConsentAction(kiosk('jc-demo', flow), sign, consentOf('draft')),
      ).toMatchObject({ code: 'ERR_CONSENT_KIOSK_FLOW_REQUIRED' })
    // A recipient agency's kiosk cannot even see it, whatever state it claims.
    expect(
      authorizeConsentAction(kiosk('ja-demo', signFlow), sign, consentOf('draft')),
    ).toMatchObject({ code: 'ERR_CONSENT_NOT_FOUND' })
    // Staff never draw; a kiosk never records paper.
    expect(authorizeConsentAction(staff('jc-demo'), sign, consentOf('draft'))).toMatchObject({
      code: 'ERR_CONSENT_METHOD_NOT_ALLOWED',
    })
    expect(
      authorizeConsentAction(
        kiosk('jc-demo', signFlow),
        { type: 'sign', method: 'paper_scan' },
        consentOf('draft'),
      ),
    ).toMatchObject({ code: 'ERR_CONSENT_METHOD_NOT_ALLOWED' })
  }

  it('a kiosk revokes only what a receipt code with the birth date proved', () => {
    const revoke = { type: 'revoke' } as const
    expect(allowed(kiosk('jc-demo', null, ['cns_1']), revoke, 'active')).toBe(true)
    expect(allowed(kiosk('ja-demo', null, ['cns_1']), revoke, 'active')).toBe(true)
    expect(
      authorizeConsentAction(kiosk('jc-demo', null, ['cns_2']), revoke, consentOf('active')),
    ).toMatchObject({ code: 'ERR_CONSENT_NOT_FOUND' })
    expect(
      authorizeConsentAction(kiosk('jc-demo', signFlow, []), revoke, consentOf('active')),
    ).toMatchObject({ code: 'ERR_CONSENT_RECEIPT_REQUIRED' })
  })

  it('a /me session opens only the consents of its receipt, and only sees and revokes them', () => {
    const own: ConsentActor = { kind: 'self_service', receiptConsentIds: ['cns_1'] }
    const other: ConsentActor = { kind: 'self_service', receiptConsentIds: ['cns_2'] }
    expect(allowed(own, { type: 'view' }, 'active')).toBe(true)
    expect(allowed(own, { type: 'revoke' }, 'active')).toBe(true)
    expect(
      authorizeConsentAction(
        own,
        { type: 'confirm_majority', method: 'kiosk_drawn' },
        consentOf('active'),
      ),
    ).toMatchObject({ code: 'ERR_CONSENT_METHOD_NOT_ALLOWED' })
    for (const action of actions)
      expect(authorizeConsentAction(other, action, consentOf('active')).allowed).toBe(false)
  })

  it('the young adult confirms at majority only in person: a kiosk flow for it, or staff of a sender', () => {
    const confirmFlow: KioskFlow = { consentId: 'cns_1', step: 'sign', purpose: 'confirm_majority' }
    const byKiosk = { type: 'confirm_majority', method: 'kiosk_drawn' } as const
    const typedAtKiosk = { type: 'confirm_majority', method: 'kiosk_typed' } as const
    const byStaff = { type: 'confirm_majority', method: 'staff_attested' } as const
    expect(allowed(kiosk('jc-demo', confirmFlow), byKiosk, 'active')).toBe(true)
    expect(allowed(kiosk('jc-demo', confirmFlow), typedAtKiosk, 'active')).toBe(true)
    expect(allowed(kiosk('jc-demo', signFlow), byKiosk, 'active')).toBe(false)
    expect(allowed(kiosk('jc-demo', signFlow), typedAtKiosk, 'active')).toBe(false)
    expect(
      authorizeConsentAction(staff('jc-demo'), typedAtKiosk, consentOf('active')),
    ).toMatchObject({ code: 'ERR_CONSENT_METHOD_NOT_ALLOWED' })
    expect(allowed(staff('aa-demo'), byStaff, 'active')).toBe(true)
    expect(allowed(staff('ja-demo'), byStaff, 'active')).toBe(false)
    expect(allowed(staff('jc-demo'), byStaff, 'lapsed')).toBe(false)
  })

  it('relations: the creator first, then sender, recipient, none', () => {
    expect(agencies.map((a) => relationOf(consentOf('draft'), a))).toEqual([
      'creator',
      'sender',
      'recipient',
      'none',
    ])
  })
})

describe('authorizeConsentAction (properties)', () => {
  it('an agency that is no party, a DPO or an admin learns nothing: every action is "not found"', () => {
    fc.assert(
      fc.property(actionArb, statusArb, (action, status) => {
        for (const actor of [
          { kind: 'staff', agencyId: 'tr-demo' },
          { kind: 'none' },
        ] as ConsentActor[]) {
          const permission = authorizeConsentAction(actor, action, consentOf(status))
          expect(permission.allowed).toBe(false)
          if (action.type !== 'pick_up')
            expect(permission).toMatchObject({ code: 'ERR_CONSENT_NOT_FOUND' })
        }
      }),
      runs,
    )
  })

  it('a recipient agency (staff or kiosk) never signs, attests, discards, pushes or activates', () => {
    fc.assert(
      fc.property(actorArb, actionArb, statusArb, (actor, action, status) => {
        if (actor.kind !== 'staff' && actor.kind !== 'kiosk') return
        if (relationOf(consentOf(status), actor.agencyId) !== 'recipient') return
        if (
          ['sign', 'discard', 'push_to_kiosk', 'confirm_majority', 'pick_up', 'decline'].includes(
            action.type,
          )
        )
          expect(allowed(actor, action, status)).toBe(false)
      }),
      runs,
    )
  })

  it('whoever is allowed anything but to see or revoke is staff or kiosk of a sending agency', () => {
    fc.assert(
      fc.property(actorArb, actionArb, statusArb, (actor, action, status) => {
        if (!allowed(actor, action, status) || action.type === 'view' || action.type === 'revoke')
          return
        expect(actor.kind === 'staff' || actor.kind === 'kiosk').toBe(true)
        if (actor.kind === 'staff' || actor.kind === 'kiosk')
          expect(['creator', 'sender']).toContain(relationOf(consentOf(status), actor.agencyId))
      }),
      runs,
    )
  })

  it('a kiosk signs or declines only with a live flow on this very draft for signing', () => {
    fc.assert(
      fc.property(actorArb, fc.constantFrom(...methods), statusArb, (actor, method, status) => {
        if (actor.kind !== 'kiosk') return
        for (const action of [{ type: 'sign', method }, { type: 'decline' }] as ConsentAction[]) {
          if (!allowed(actor, action, status)) continue
          expect(actor.flow).toMatchObject({ consentId: 'cns_1', purpose: 'sign' })
          expect(actor.flow?.step).not.toBe('receipt')
          expect(status).toBe('draft')
        }
      }),
      runs,
    )
  })

  it('drawn or typed, a signature at a kiosk is made only by a kiosk, never recorded by staff', () => {
    fc.assert(
      fc.property(
        actorArb,
        fc.constantFrom('kiosk_drawn', 'kiosk_typed') as fc.Arbitrary<SignatureMethod>,
        statusArb,
        (actor, method, status) => {
          if (allowed(actor, { type: 'sign', method }, status)) expect(actor.kind).toBe('kiosk')
          const confirm = { type: 'confirm_majority', method } as ConsentAction
          if (allowed(actor, confirm, status)) expect(actor.kind).toBe('kiosk')
        },
      ),
      runs,
    )
  })

  it('a /me session or kiosk revokes only a consent its receipt proves, and only while active', () => {
    fc.assert(
      fc.property(actorArb, statusArb, (actor, status) => {
        if (!allowed(actor, { type: 'revoke' }, status)) return
        expect(status).toBe('active')
        if (actor.kind === 'kiosk' || actor.kind === 'self_service')
          expect(actor.receiptConsentIds).toContain('cns_1')
      }),
      runs,
    )
  })

  it('a /me session may only see and revoke; nothing is allowed on a consent it cannot see', () => {
    fc.assert(
      fc.property(actorArb, actionArb, statusArb, (actor, action, status) => {
        if (!allowed(actor, action, status)) return
        if (actor.kind === 'self_service') expect(['view', 'revoke']).toContain(action.type)
        if (action.type !== 'pick_up') expect(maySee(actor, consentOf(status))).toBe(true)
      }),
      runs,
    )
  })

  it('lifecycle: signing, declining, discarding need a draft; revoking and confirming an active consent', () => {
    fc.assert(
      fc.property(actorArb, actionArb, statusArb, (actor, action, status) => {
        if (!allowed(actor, action, status)) return
        if (['sign', 'decline', 'discard', 'pick_up'].includes(action.type))
          expect(status).toBe('draft')
        if (['revoke', 'confirm_majority'].includes(action.type)) expect(status).toBe('active')
      }),
      runs,
    )
  })
})
