import { describe, expect, it } from 'vitest'
import {
  mayActOnNotification,
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
