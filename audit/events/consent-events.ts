import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

const term = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/)
const agencies = z.array(id).max(20)
const terms = z.array(term).max(40)
const calendarDate = z.iso.date()
const role = z.enum([
  'youth',
  'guardian',
  'entrusting_person',
  'entrusting_person_2',
  'entrusting_person_3',
])
const language = z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/)
/** Deny reasons are stable codes such as `category_not_covered:gesundheit` (docs/design.md §3.2). */
const reason = z.string().regex(/^[a-z_]+(:[a-z][a-z0-9_]{1,39})?$/)

/**
 * Consent lifecycle and decision events (docs/design.md §3.5). They name the subject only by
 * pseudonym; names, birth dates, signatures' evidence and revocation reasons never appear.
 * `agencyId` is the agency that acted (or prepared the consent).
 */
export const consentEventSchemas = [
  z.strictObject({
    type: z.literal('consent_created'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
    kind: z.enum(['einwilligung', 'schweigepflichtsentbindung']),
    scope: z.enum(['standing', 'single_transfer']),
    senders: agencies,
    recipients: agencies,
    purposes: terms,
    categories: terms,
    validFrom: calendarDate,
    validUntil: calendarDate,
    textSha256: sha256HexSchema,
    requiredSignatories: z.array(role),
    /** The consent this draft renews (issue 18 point 5); absent on a new consent. */
    renewsConsentId: id.optional(),
    /** Staff pages or API (issue 18 point 6); absent on entries written before it was recorded. */
    via: z.enum(['page', 'api']).optional(),
  }),
  z.strictObject({
    type: z.literal('consent_signed'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
    role,
    method: z.enum(['kiosk_drawn', 'kiosk_typed', 'paper_scan', 'staff_attested']),
    evidenceSha256: sha256HexSchema,
    deselectedCategories: terms,
    deselectedRecipients: agencies,
    /** The text the signatory read (absent on entries written before it was recorded). */
    textLanguage: language.optional(),
    textVersion: z.number().int().positive().optional(),
    textSha256: sha256HexSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('consent_activated'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
  }),
  z.strictObject({
    type: z.literal('consent_revoked'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id.optional(),
    channel: z.enum(['kiosk', 'self_service', 'staff']),
    /** A staff revocation: staff pages or API (issue 18 point 6); absent before it was recorded. */
    via: z.enum(['page', 'api']).optional(),
    /** Whether a reason was given; the reason itself stays in the consent store. */
    reasonGiven: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('consent_discarded'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
  }),
  z.strictObject({
    type: z.literal('consent_declined'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
    /** Whether the person gave a reason; the reason itself stays in the consent store. */
    reasonGiven: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('consent_text_approved'),
    templateId: z.string().regex(/^[a-z][a-z0-9-]{1,60}$/),
    version: z.number().int().positive(),
    language,
    bodySha256: sha256HexSchema,
  }),
  z.strictObject({
    /**
     * A renewal of the consent was fully signed: the consent ended at that instant (issue 18
     * point 5). Not a revocation — nobody revoked — and written in the renewal's signing
     * transaction.
     */
    type: z.literal('consent_renewed'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
    renewedByConsentId: id,
  }),
  z.strictObject({
    type: z.literal('consent_expired'),
    consentId: id,
    subjectPseudonym: id,
    validUntil: calendarDate,
  }),
  z.strictObject({
    /**
     * The consent record — names, birth date, case references, signatures and their images,
     * the entrusting person, kiosk and receipt rows — was deleted when its retention ended
     * (gateway/consent/consent-retention.ts). No pseudonym: nothing is left to link it to.
     */
    type: z.literal('consent_erased'),
    consentId: id,
    ground: z.enum([
      'revoked',
      'lapsed',
      'renewed',
      'expired',
      'declined',
      'discarded',
      'abandoned',
    ]),
    endedAt: z.iso.datetime(),
  }),
  z.strictObject({
    type: z.literal('decision_checked'),
    consentId: id.optional(),
    subjectPseudonym: id.optional(),
    agencyId: id,
    recipientAgencyId: id,
    purpose: term,
    categories: terms,
    decision: z.enum(['permit', 'deny']),
    reasons: z.array(reason).max(60),
  }),
  z.strictObject({
    // Staff searched the agency's consents for a young person (issue 18 point 1): how the search
    // was made and how many people it found, never what was typed (names, a birth date).
    type: z.literal('person_searched'),
    agencyId: id,
    /** Name or case-reference words in the search. */
    termCount: z.number().int().min(0).max(50),
    withBirthDate: z.boolean(),
    matches: z.number().int().min(0),
  }),
  z.strictObject({
    // Staff opened what their agency holds on one young person: the person page, or the new
    // consent form prefilled from it. Who looked at whom; not what the page showed.
    type: z.literal('person_viewed'),
    subjectPseudonym: id,
    agencyId: id,
    via: z.enum(['page', 'prefill']),
  }),
] as const
