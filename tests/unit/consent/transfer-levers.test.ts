import { describe, expect, it } from 'vitest'
import {
  authorizePartnerPause,
  authorizeTransferLever,
  leverScopeOf,
  type LeverActor,
  type TransferLever,
  type TransferLeverFacts,
} from '../../../consent/transfer-levers.ts'

/**
 * The operator's levers (issue 19 point 5), tried for every kind of caller against a transfer
 * jc-demo sent to ja-demo: the operator, the instance admin, the sending agency's admin, the
 * receiving agency's admin, an unrelated agency's admin, and staff, DPO and kiosk of the sender.
 */

const failed: TransferLeverFacts = {
  kind: 'transfer',
  status: 'failed',
  senderAgencyId: 'jc-demo',
  hasEnvelope: true,
}
const queued: TransferLeverFacts = { ...failed, status: 'queued' }

const actors: Record<string, LeverActor> = {
  operator: { kind: 'operator' },
  instanceAdmin: { kind: 'admin', agencyId: null },
  senderAdmin: { kind: 'admin', agencyId: 'jc-demo' },
  recipientAdmin: { kind: 'admin', agencyId: 'ja-demo' },
  otherAdmin: { kind: 'admin', agencyId: 'aa-demo' },
  senderStaff: { kind: 'other', agencyId: 'jc-demo' },
  senderDpo: { kind: 'other', agencyId: 'jc-demo' },
  kiosk: { kind: 'other', agencyId: 'jc-demo' },
  selfService: { kind: 'other', agencyId: null },
}

const mayActOnJcTransfers = new Set(['operator', 'instanceAdmin', 'senderAdmin'])

describe('who may retry or cancel a transfer', () => {
  for (const [name, actor] of Object.entries(actors))
    for (const [lever, transfer] of [
      ['retry', failed],
      ['cancel', queued],
    ] as [TransferLever, TransferLeverFacts][])
      it(`${name} → ${lever}`, () => {
        const verdict = authorizeTransferLever(actor, lever, transfer)
        if (mayActOnJcTransfers.has(name)) expect(verdict).toEqual({ allowed: true })
        else
          expect(verdict).toMatchObject({
            allowed: false,
            // Another agency's admin learns nothing; a role without levers is told so.
            code: actor.kind === 'admin' ? 'ERR_LEVER_NOT_FOUND' : 'ERR_LEVER_NOT_ALLOWED',
          })
      })
})

describe('which transfers a lever applies to', () => {
  const operator: LeverActor = { kind: 'operator' }
  const statuses = ['queued', 'retrying', 'delivered', 'failed', 'cancelled', 'cancelled_revoked']

  it('retries only a failed transfer whose sealed message is still kept', () => {
    for (const status of statuses)
      expect(authorizeTransferLever(operator, 'retry', { ...failed, status }).allowed).toBe(
        status === 'failed',
      )
    expect(
      authorizeTransferLever(operator, 'retry', { ...failed, hasEnvelope: false }),
    ).toMatchObject({ allowed: false, code: 'ERR_LEVER_MESSAGE_GONE' })
  })

  it('cancels a waiting or failed transfer, nothing settled otherwise', () => {
    for (const status of statuses)
      expect(authorizeTransferLever(operator, 'cancel', { ...failed, status })).toMatchObject(
        ['queued', 'retrying', 'failed'].includes(status)
          ? { allowed: true }
          : { allowed: false, code: 'ERR_LEVER_NOT_WAITING' },
      )
  })

  it('retries a failed revocation notice but never cancels one', () => {
    const notice = { ...failed, kind: 'revocation_notice' as const }
    expect(authorizeTransferLever(operator, 'retry', notice)).toEqual({ allowed: true })
    expect(
      authorizeTransferLever(operator, 'cancel', { ...notice, status: 'queued' }),
    ).toMatchObject({ allowed: false, code: 'ERR_LEVER_NOTICE_NOT_CANCELLABLE' })
  })
})

describe('who may pause or resume delivery to a partner', () => {
  const expected: Record<string, boolean> = {
    operator: true,
    instanceAdmin: true,
    // Pausing ja-demo holds back every agency's transfers to it: only ja-demo's own admin.
    senderAdmin: false,
    recipientAdmin: true,
    otherAdmin: false,
    senderStaff: false,
    senderDpo: false,
    kiosk: false,
    selfService: false,
  }
  for (const [name, actor] of Object.entries(actors))
    it(`${name} → ja-demo`, () => {
      const verdict = authorizePartnerPause(actor, 'ja-demo')
      expect(verdict.allowed).toBe(expected[name])
      if (!verdict.allowed) expect(verdict.code).toBe('ERR_LEVER_NOT_ALLOWED')
    })
})

describe('what the lever page lists', () => {
  it('all senders for the operator and the instance admin, one agency for its admin, else none', () => {
    expect(leverScopeOf({ kind: 'operator' })).toEqual({ senderAgencyId: null })
    expect(leverScopeOf({ kind: 'admin', agencyId: null })).toEqual({ senderAgencyId: null })
    expect(leverScopeOf({ kind: 'admin', agencyId: 'jc-demo' })).toEqual({
      senderAgencyId: 'jc-demo',
    })
    expect(leverScopeOf({ kind: 'other', agencyId: 'jc-demo' })).toBeUndefined()
  })
})
