import { describe, expect, it } from 'vitest'
import {
  authorizeInboxAction,
  type InboxAction,
  type InboxActor,
  type InboxItemFacts,
} from '../../../consent/inbox-permissions.ts'

/** An item the Jobcenter sent to the Jugendamt, as the Jugendamt's inbox holds it. */
const received: InboxItemFacts = { recipientAgencyId: 'ja-demo', status: 'received' }
const actions: InboxAction[] = ['view', 'acknowledge']
const notFound = { allowed: false, code: 'ERR_INBOX_ITEM_NOT_FOUND' }

/** Every party but the receiving agency's staff. */
const others: Record<string, InboxActor> = {
  'staff of the sending agency': { kind: 'staff', agencyId: 'jc-demo' },
  'staff of another agency': { kind: 'staff', agencyId: 'aa-demo' },
  'the receiving agency’s DPO': { kind: 'dpo', agencyId: 'ja-demo' },
  'a DPO of all agencies': { kind: 'dpo', agencyId: null },
  'the receiving agency’s admin': { kind: 'admin', agencyId: 'ja-demo' },
  'the instance admin': { kind: 'admin', agencyId: null },
  'the receiving agency’s kiosk': { kind: 'kiosk', agencyId: 'ja-demo' },
  'a /me session': { kind: 'self_service', agencyId: null },
  'a worker': { kind: 'system', agencyId: null },
}

describe('who may open or acknowledge an inbox item', () => {
  it('allows staff of the receiving agency to view and acknowledge', () => {
    for (const action of actions)
      expect(
        authorizeInboxAction({ kind: 'staff', agencyId: 'ja-demo' }, action, received),
      ).toEqual({ allowed: true })
  })

  it.each(Object.entries(others))('refuses %s as "not found"', (_name, actor) => {
    for (const action of actions)
      expect(authorizeInboxAction(actor, action, received)).toMatchObject(notFound)
  })

  it('refuses a quarantined item even to the receiving agency', () => {
    for (const action of actions)
      expect(
        authorizeInboxAction({ kind: 'staff', agencyId: 'ja-demo' }, action, {
          ...received,
          status: 'quarantined',
        }),
      ).toMatchObject(notFound)
  })
})
