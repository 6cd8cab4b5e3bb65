import type { RenderedConsentText } from '../../consent/consent-text.ts'
import { ConsentError } from '../../consent/errors.ts'
import type { AuditRecord } from '../../audit/audit-event.ts'
import { streamAuditEntries } from '../../db/audit-repository.ts'
import { findConsent } from '../../db/consent-repository.ts'
import type { SelfServiceSession } from '../../db/receipt-repository.ts'
import { renderTextOfConsent } from '../consent/consent-texts.ts'
import type { Deps } from '../deps.ts'
import { selfServiceOverview, type SelfServiceConsent } from './self-service-service.ts'

/** One audit entry about the consent, as the person may see it: when, what, and which side. */
export interface HistoryEntry {
  seq: number
  at: string
  type: string
  /** `agency` (staff or a kiosk of that agency), `you` (this page), `system` (the gateway). */
  by: { kind: 'agency' | 'you' | 'system'; agencyId: string | null }
}

/** A transfer an agency tried under the consent that the decision refused (docs/design.md §3.2). */
export interface RefusedAttempt {
  seq: number
  at: string
  senderAgencyId: string
  recipientAgencyId: string
  purpose: string
  categories: string[]
  reasons: string[]
}

export interface SelfServiceRecordConsent extends SelfServiceConsent {
  /** The consent's text in the person's language (or, without one, in the language it was made). */
  text: RenderedConsentText
  refusals: RefusedAttempt[]
  history: HistoryEntry[]
}

/** Everything `/me` knows for its session, for the access request (Art. 15 GDPR, § 83 SGB X). */
export interface SelfServiceRecord {
  generatedAt: string
  consents: SelfServiceRecordConsent[]
}

const agencyOf = (event: Record<string, unknown>): string | null => {
  for (const field of ['agencyId', 'senderAgencyId', 'requesterAgencyId'])
    if (typeof event[field] === 'string') return event[field]
  return null
}

function historyEntryOf(entry: AuditRecord): HistoryEntry {
  const event = entry.event as unknown as Record<string, unknown>
  const kind = entry.actor.startsWith('youth:')
    ? 'you'
    : entry.actor === 'system' || entry.actor.startsWith('cli:')
      ? 'system'
      : 'agency'
  // Who acted is named by agency, never by the staff member's account.
  return {
    seq: entry.seq,
    at: entry.at,
    type: entry.event.type,
    by: { kind, agencyId: agencyOf(event) },
  }
}

async function textIn(deps: Deps, consentId: string, language: string) {
  const stored = await findConsent(deps.db, consentId)
  if (!stored) throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')
  try {
    return await renderTextOfConsent(deps, stored, language)
  } catch (error) {
    if (error instanceof ConsentError && error.code === 'ERR_CONSENT_UNKNOWN_LANGUAGE')
      return renderTextOfConsent(deps, stored, stored.consent.text.language)
    throw error
  }
}

/**
 * The complete record behind `/me` (issue «The person's side» point 7): what the overview shows —
 * the consents the receipt proves, their transfers with audit proofs — plus each consent's text,
 * the refused attempts and every audit entry about it. Only the consents of the session's receipt.
 */
export async function selfServiceRecord(
  deps: Deps,
  session: SelfServiceSession,
  language: string,
): Promise<SelfServiceRecord> {
  const generatedAt = deps.clock.now().toISOString()
  const overview = await selfServiceOverview(deps, session)
  const consents: SelfServiceRecordConsent[] = []
  for (const item of overview) {
    const entries: AuditRecord[] = []
    for await (const entry of streamAuditEntries(deps.db, { consentId: item.consent.id }))
      entries.push(entry)
    const refusals: RefusedAttempt[] = []
    for (const entry of entries)
      if (entry.event.type === 'transfer_denied')
        refusals.push({
          seq: entry.seq,
          at: entry.at,
          senderAgencyId: entry.event.senderAgencyId,
          recipientAgencyId: entry.event.recipientAgencyId,
          purpose: entry.event.purpose,
          categories: entry.event.categories,
          reasons: entry.event.reasons,
        })
    consents.push({
      ...item,
      text: await textIn(deps, item.consent.id, language),
      refusals,
      history: entries.map(historyEntryOf),
    })
  }
  return { generatedAt, consents }
}
