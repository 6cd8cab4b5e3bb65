import type { PersonStringKey } from './de.ts'
import { fill, isRightToLeft, stringsFor } from './person-language.ts'

/*
 * Plain words for the codes the person's pages and export meet: consent kinds and statuses,
 * signatory roles, transfer statuses, audit event types, deny reasons. An unknown code (a newer
 * server) falls back to a neutral word instead of showing the code.
 */

const label = (
  language: string,
  table: Record<string, PersonStringKey>,
  code: string,
  other: PersonStringKey,
) => stringsFor(language)[table[code] ?? other]

const kinds: Record<string, PersonStringKey> = {
  einwilligung: 'kindEinwilligung',
  schweigepflichtsentbindung: 'kindSchweigepflichtsentbindung',
}
export const kindLabel = (language: string, kind: string) =>
  label(language, kinds, kind, 'kindEinwilligung')

const roles: Record<string, PersonStringKey> = {
  youth: 'roleYouth',
  guardian: 'roleGuardian',
  entrusting_person: 'roleEntrustingPerson',
  // Several people may have entrusted data (§ 65 SGB VIII); each reads the same role name.
  entrusting_person_2: 'roleEntrustingPerson',
  entrusting_person_3: 'roleEntrustingPerson',
}
export const roleLabel = (language: string, role: string) =>
  label(language, roles, role, 'roleYouth')

const statuses: Record<string, PersonStringKey> = {
  draft: 'statusDraft',
  active: 'statusActive',
  declined: 'statusDeclined',
  revoked: 'statusRevoked',
  lapsed: 'statusLapsed',
  renewed: 'statusRenewed',
  expired: 'statusExpired',
  discarded: 'statusDiscarded',
}
export const consentStatusLabel = (language: string, status: string) =>
  label(language, statuses, status, 'statusExpired')

const transferStatuses: Record<string, PersonStringKey> = {
  queued: 'transferQueued',
  retrying: 'transferRetrying',
  delivered: 'transferDelivered',
  failed: 'transferFailed',
  cancelled_revoked: 'transferCancelled',
  // Cancelled by the operator (issue 19 point 5): for the person, it was not delivered.
  cancelled: 'transferFailed',
  handoff_uncertain: 'transferChecking',
}
export const transferStatusLabel = (language: string, status: string) =>
  label(language, transferStatuses, status, 'transferQueued')

const methods: Record<string, PersonStringKey> = {
  kiosk_drawn: 'methodKioskDrawn',
  paper_scan: 'methodPaperScan',
  staff_attested: 'methodStaffAttested',
}
export const signatureMethodLabel = (language: string, method: string) =>
  label(language, methods, method, 'methodStaffAttested')

const channels: Record<string, PersonStringKey> = {
  kiosk: 'channelKiosk',
  self_service: 'channelSelfService',
  staff: 'channelStaff',
}
export const revocationChannelLabel = (language: string, channel: string) =>
  label(language, channels, channel, 'channelStaff')

const events: Record<string, PersonStringKey> = {
  consent_created: 'eventConsentCreated',
  consent_signed: 'eventConsentSigned',
  consent_activated: 'eventConsentActivated',
  consent_revoked: 'eventConsentRevoked',
  consent_renewed: 'eventConsentRenewed',
  consent_declined: 'eventConsentDeclined',
  consent_discarded: 'eventConsentDiscarded',
  consent_expired: 'eventConsentExpired',
  decision_checked: 'eventDecisionChecked',
  kiosk_draft_pushed: 'eventKioskPushed',
  receipt_issued: 'eventReceiptIssued',
  consent_majority_flagged: 'eventMajorityFlagged',
  consent_majority_confirmed: 'eventMajorityConfirmed',
  consent_majority_lapsed: 'eventMajorityLapsed',
  transfer_queued: 'eventTransferQueued',
  transfer_retrying: 'eventTransferRetrying',
  transfer_delivered: 'eventTransferDelivered',
  transfer_failed: 'eventTransferFailed',
  transfer_cancelled: 'eventTransferCancelled',
  transfer_denied: 'eventTransferDenied',
  transfer_retried: 'eventTransferRetrying',
  transfer_retry_refused: 'eventTransferDenied',
  transfer_withdrawn: 'eventTransferFailed',
  data_request_created: 'eventDataRequestCreated',
  data_request_answered: 'eventDataRequestAnswered',
}
export const eventLabel = (language: string, type: string) =>
  label(language, events, type, 'eventOther')

/**
 * A deny reason (docs/design.md §3.2) as the person understands it: one of four plain groups — the
 * consent was not in force, it does not cover the request, a signature was missing, or the
 * agency's request itself was wrong.
 */
export function denyReasonLabel(language: string, reason: string): string {
  const code = reason.split(':')[0] ?? reason
  const key: PersonStringKey =
    code === 'category_not_covered' ||
    code === 'recipient_not_covered' ||
    code === 'sender_not_covered' ||
    code === 'purpose_not_covered' ||
    code === 'no_consent'
      ? 'reasonNotCovered'
      : code.endsWith('_signature_missing')
        ? 'reasonSignature'
        : code.startsWith('consent_') || code === 'not_yet_valid'
          ? 'reasonEnded'
          : 'reasonRequest'
  return stringsFor(language)[key]
}

/** Between the items of a list: the Arabic comma in right-to-left languages. */
export function listSeparator(language: string): string {
  return isRightToLeft(language) ? '، ' : ', '
}

/** "{kind} vom {date}", the title of a consent on `/me` and in the export. */
export function consentTitle(language: string, kind: string, date: string): string {
  return fill(stringsFor(language).consentTitle, { kind: kindLabel(language, kind), date })
}
