import { describe, expect, it } from 'vitest'
import {
  mayActOnNotification,
  notificationAudience,
  notificationKinds,
  type NotificationAction,
  type NotificationActor,
  type NotificationFacts,
} from '../../../consent/notification-permissions.ts'

/** A consent the Jobcenter prepared: its notification concerns the Jobcenter only. */
const signed: NotificationFacts = { audienceAgencyIds: ['jc-demo'] }
const actions: NotificationAction[] = ['view', 'mark_read', 'mail_notice']

/** Every party but the Jobcenter's staff (another member of its staff is in the audience). */
const others: Record<string, NotificationActor> = {
  'staff of another agency': { kind: 'staff', agencyId: 'ja-demo' },
  'staff of a third agency': { kind: 'staff', agencyId: 'aa-demo' },
  'the agency’s DPO': { kind: 'dpo', agencyId: 'jc-demo' },
  'a DPO of all agencies': { kind: 'dpo', agencyId: null },
  'the agency’s admin': { kind: 'admin', agencyId: 'jc-demo' },
  'the instance admin': { kind: 'admin', agencyId: null },
  'the agency’s kiosk': { kind: 'kiosk', agencyId: 'jc-demo' },
  'a /me session': { kind: 'self_service', agencyId: null },
  'a worker': { kind: 'system', agencyId: null },
  anonymous: { kind: 'self_service', agencyId: null },
}

describe('who sees a notification of the staff desk', () => {
  it('allows every member of the staff of an agency in its audience', () => {
    for (const action of actions)
      expect(mayActOnNotification({ kind: 'staff', agencyId: 'jc-demo' }, action, signed)).toBe(
        true,
      )
  })

  it.each(Object.entries(others))('refuses %s', (_name, actor) => {
    for (const action of actions) expect(mayActOnNotification(actor, action, signed)).toBe(false)
  })

  it('allows each agency of a shared audience (a revoked consent concerns all its parties)', () => {
    const revoked = { audienceAgencyIds: ['jc-demo', 'ja-demo'] }
    expect(mayActOnNotification({ kind: 'staff', agencyId: 'ja-demo' }, 'view', revoked)).toBe(true)
    expect(mayActOnNotification({ kind: 'staff', agencyId: 'aa-demo' }, 'view', revoked)).toBe(
      false,
    )
  })

  it('refuses everyone when the audience is empty', () => {
    expect(
      mayActOnNotification({ kind: 'staff', agencyId: 'jc-demo' }, 'view', {
        audienceAgencyIds: [],
      }),
    ).toBe(false)
  })
})

describe('whom a notification concerns', () => {
  const consent = {
    createdByAgencyId: 'jc-demo',
    senders: ['jc-demo', 'aa-demo'],
    recipients: ['ja-demo'],
  }

  it('tells only the preparing agency that the person signed or declined', () => {
    expect(notificationAudience({ kind: 'signed', consent })).toEqual(['jc-demo'])
    expect(notificationAudience({ kind: 'declined', consent })).toEqual(['jc-demo'])
  })

  it('tells every party of a revocation or lapse', () => {
    for (const kind of ['revoked', 'lapsed'] as const)
      expect(notificationAudience({ kind, consent }).sort()).toEqual([
        'aa-demo',
        'ja-demo',
        'jc-demo',
      ])
  })

  it('tells the preparing and sending agencies, not the recipients, that a consent ends soon', () => {
    expect(notificationAudience({ kind: 'lapsing_soon', consent }).sort()).toEqual([
      'aa-demo',
      'jc-demo',
    ])
  })

  it('tells the sender of a transfer’s outcome and the recipient of what arrived', () => {
    expect(notificationAudience({ kind: 'delivered', senderAgencyId: 'jc-demo' })).toEqual([
      'jc-demo',
    ])
    expect(notificationAudience({ kind: 'failed', senderAgencyId: 'jc-demo' })).toEqual(['jc-demo'])
    expect(notificationAudience({ kind: 'received', recipientAgencyId: 'ja-demo' })).toEqual([
      'ja-demo',
    ])
  })

  it('tells nobody when the source names no agency', () => {
    for (const kind of notificationKinds) expect(notificationAudience({ kind })).toEqual([])
  })
})
