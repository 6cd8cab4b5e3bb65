import { describe, expect, it } from 'vitest'
import {
  authorizeComposerDraftAction,
  type ComposerDraftAction,
  type ComposerDraftActor,
  type ComposerDraftFacts,
} from '../../../consent/composer-draft-permissions.ts'

/** A draft a Jobcenter caseworker saved. */
const draft: ComposerDraftFacts = { authorUserId: 'staff-jc', agencyId: 'jc-demo' }
const actions: ComposerDraftAction[] = ['open', 'update', 'delete']
const notFound = { allowed: false, code: 'ERR_DRAFT_NOT_FOUND' }

/** Every party but the author. */
const others: Record<string, ComposerDraftActor> = {
  'another staff member of the same agency': {
    kind: 'staff',
    agencyId: 'jc-demo',
    userId: 'staff-jc-2',
  },
  'staff of another agency': { kind: 'staff', agencyId: 'ja-demo', userId: 'staff-ja' },
  'the author’s account now bound to another agency': {
    kind: 'staff',
    agencyId: 'aa-demo',
    userId: 'staff-jc',
  },
  'the agency’s DPO': { kind: 'dpo', agencyId: 'jc-demo' },
  'a DPO of all agencies': { kind: 'dpo', agencyId: null },
  'the agency’s admin': { kind: 'admin', agencyId: 'jc-demo' },
  'the instance admin': { kind: 'admin', agencyId: null },
  'the agency’s kiosk': { kind: 'kiosk', agencyId: 'jc-demo' },
  'a /me session': { kind: 'self_service', agencyId: null },
  'a worker': { kind: 'system', agencyId: null },
}

describe('who may open, change or delete a composer draft', () => {
  it('allows its author, as staff of the agency it was written for', () => {
    for (const action of actions)
      expect(
        authorizeComposerDraftAction(
          { kind: 'staff', agencyId: 'jc-demo', userId: 'staff-jc' },
          action,
          draft,
        ),
      ).toEqual({ allowed: true })
  })

  it.each(Object.entries(others))('refuses %s as "not found"', (_name, actor) => {
    for (const action of actions)
      expect(authorizeComposerDraftAction(actor, action, draft)).toMatchObject(notFound)
  })
})
