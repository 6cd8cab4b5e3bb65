import type { Actor } from '../../audit/audit-event.ts'
import { factsOf } from '../../consent/consent.ts'
import { ConsentError } from '../../consent/errors.ts'
import {
  authorizeConsentAction,
  type ConsentAction,
  type ConsentActor,
  type ConsentPartyFacts,
} from '../../consent/permissions.ts'
import { consentStatus } from '../../consent/status.ts'
import { findConsent, type StoredConsent } from '../../db/consent-repository.ts'
import { findKioskState, type KioskState } from '../../db/kiosk-repository.ts'
import type { Deps } from '../deps.ts'
import { kioskIdleSecondsOf } from '../kiosk/kiosk-settings.ts'

/**
 * Who calls a consent use case: an account of an agency (staff or kiosk), or the young person
 * in the self-service (`role: 'youth'`, bound to the consents of one receipt).
 */
export interface ConsentCaller {
  actor: Actor
  role: 'staff' | 'kiosk' | 'dpo' | 'admin' | 'youth'
  agencyId: string | null
  userId: string
  /**
   * Consents a receipt proves: the `/me` session's receipt, or a receipt code with the birth date
   * just typed on a kiosk.
   */
  receiptConsentIds?: readonly string[]
  /**
   * How a staff member's action came (issue 18 point 6): the staff pages (a browser session) or
   * the API (a bearer token); recorded in the audit entry as `via`.
   */
  via?: 'page' | 'api'
}

/** The caller of the youth's self-service (docs/design.md §3.6), bound to one receipt. */
export function selfServiceCaller(input: {
  subjectPseudonym: string
  receiptConsentIds: readonly string[]
}): ConsentCaller {
  return {
    actor: `youth:${input.subjectPseudonym}`,
    role: 'youth',
    agencyId: null,
    userId: input.subjectPseudonym,
    receiptConsentIds: input.receiptConsentIds,
  }
}

type Db = Deps['db']

/** The kiosk's state while it is live: not idle longer than `KIOSK_IDLE_SECONDS`. */
export async function liveKioskState(
  db: Db,
  config: Deps['config'],
  kioskId: string,
  now: Date,
): Promise<KioskState | undefined> {
  const state = await findKioskState(db, kioskId)
  if (!state) return undefined
  const idleMs = kioskIdleSecondsOf(config) * 1000
  return now.getTime() - Date.parse(state.updatedAt) < idleMs ? state : undefined
}

/** The caller as the pure permission rule sees it; a kiosk's live flow is read here. */
export async function consentActorOf(
  deps: Pick<Deps, 'db' | 'config'>,
  caller: ConsentCaller,
  now: Date,
): Promise<ConsentActor> {
  switch (caller.role) {
    case 'staff':
      return caller.agencyId === null
        ? { kind: 'none' }
        : { kind: 'staff', agencyId: caller.agencyId }
    case 'kiosk': {
      if (caller.agencyId === null) return { kind: 'none' }
      const state = await liveKioskState(deps.db, deps.config, caller.userId, now)
      return {
        kind: 'kiosk',
        agencyId: caller.agencyId,
        flow: state
          ? { consentId: state.consentId, step: state.step, purpose: state.purpose }
          : null,
        receiptConsentIds: caller.receiptConsentIds ?? [],
      }
    }
    case 'youth':
      return { kind: 'self_service', receiptConsentIds: caller.receiptConsentIds ?? [] }
    case 'dpo':
    case 'admin':
      return { kind: 'none' }
  }
}

export function partyFactsOf(stored: StoredConsent, now: Date): ConsentPartyFacts {
  const { consent } = stored
  return {
    id: consent.id,
    createdByAgencyId: consent.createdByAgencyId,
    senders: consent.senders,
    recipients: consent.recipients,
    status: consentStatus(factsOf(consent), now),
  }
}

/**
 * The agency of a caller the rule let act on a consent as an agency's account (staff or kiosk):
 * those acts are never allowed without one, so a caller without one is refused as the rule does.
 */
export function agencyOfCaller(caller: ConsentCaller): string {
  if (caller.agencyId === null)
    throw new ConsentError('ERR_CONSENT_METHOD_NOT_ALLOWED', 'Only an agency’s account does this.')
  return caller.agencyId
}

/**
 * Loads a consent and applies the object-level rule for `action`; throws the rule's
 * `ConsentError` (a consent the caller may not see is "not found", whether or not it exists).
 */
export async function loadAuthorized(
  deps: Pick<Deps, 'db' | 'config'>,
  input: { caller: ConsentCaller; consentId: string; action: ConsentAction; now: Date },
): Promise<StoredConsent> {
  const stored = await findConsent(deps.db, input.consentId)
  if (!stored) throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')
  const actor = await consentActorOf(deps, input.caller, input.now)
  const permission = authorizeConsentAction(actor, input.action, partyFactsOf(stored, input.now))
  if (!permission.allowed) throw new ConsentError(permission.code, permission.message)
  return stored
}
