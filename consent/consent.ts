import { z } from 'zod'
import { calendarDateSchema } from './calendar.ts'
import { personNameSchema } from './person-name.ts'
import { termIdSchema } from './vocabulary.ts'

/**
 * The consent model of docs/design.md §3.1: an Einwilligung (§ 67b SGB X) or a
 * Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII). Status is never a field here; it is
 * derived from these facts and the clock (see `status.ts`).
 */
export const consentKindSchema = z.enum(['einwilligung', 'schweigepflichtsentbindung'])
export type ConsentKind = z.infer<typeof consentKindSchema>

/** `standing`: a purpose over a bounded period; `single_transfer`: one case summary. */
export const consentScopeSchema = z.enum(['standing', 'single_transfer'])

/**
 * Who signs. Up to three people may have entrusted data to the Jugendamt (§ 65 SGB VIII); each
 * who is not the youth signs under a role of their own, in the order staff named them.
 */
export const entrustingRoles = [
  'entrusting_person',
  'entrusting_person_2',
  'entrusting_person_3',
] as const
export const signatoryRoleSchema = z.enum(['youth', 'guardian', ...entrustingRoles])
export type SignatoryRole = z.infer<typeof signatoryRoleSchema>
/** Most entrusting persons one consent can name (one role each). */
export const maxEntrustingPersons = entrustingRoles.length

/**
 * How a signatory signed (docs/design.md §3.1 «Signing»):
 * - `kiosk_drawn`: drawn with finger or mouse on the kiosk that displayed the text;
 * - `kiosk_typed`: the name typed and the consent expressly confirmed with a checkbox on that
 *   kiosk — the way in for keyboard, switch and screen-reader users;
 * - `paper_scan`: a signed paper form, its scan kept;
 * - `staff_attested`: declared in person to staff, who write the circumstances down.
 */
export const signatureMethodSchema = z.enum([
  'kiosk_drawn',
  'kiosk_typed',
  'paper_scan',
  'staff_attested',
])
export type SignatureMethod = z.infer<typeof signatureMethodSchema>

/** The methods of the person's own act at a kiosk, inside its live flow. */
export const kioskSignatureMethods = ['kiosk_drawn', 'kiosk_typed'] as const
export type KioskSignatureMethod = (typeof kioskSignatureMethods)[number]

export function isKioskSignatureMethod(method: string): method is KioskSignatureMethod {
  return (kioskSignatureMethods as readonly string[]).includes(method)
}

/**
 * Whether a method is the signatory's own written or electronic declaration (§ 67b Abs. 2 SGB X
 * "schriftlich oder elektronisch"): paper, or made by the person themselves on the kiosk that
 * displayed the text — drawn or typed with express confirmation, both simple electronic
 * signatures (Art. 3 Nr. 10 eIDAS) of equal standing. An attestation is staff's declaration
 * about what the person said, not the person's own: it is not.
 */
export function isWrittenOrElectronic(method: SignatureMethod): boolean {
  switch (method) {
    case 'kiosk_drawn':
    case 'kiosk_typed':
    case 'paper_scan':
      return true
    case 'staff_attested':
      return false
  }
}

/** How a young adult confirms at majority: at a kiosk (drawn or typed) or in person with staff. */
export const majorityConfirmationMethodSchema = z.enum([
  'kiosk_drawn',
  'kiosk_typed',
  'staff_attested',
])
export type MajorityConfirmationMethod = z.infer<typeof majorityConfirmationMethodSchema>

export const revocationChannelSchema = z.enum(['kiosk', 'self_service', 'staff'])

export const agencyRefSchema = z.string().min(1).max(64)
const instantSchema = z.iso.datetime()
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/)
/**
 * A name as stored. Input edges check names with the stricter `personNameSchema`
 * (person-name.ts); records stored before that rule must stay readable, so reading does not.
 */
const storedNameSchema = z.string().trim().min(1).max(200)

function subjectSchemaWith(name: z.ZodType<string, string>) {
  return z.strictObject({
    givenName: name,
    familyName: name,
    birthDate: calendarDateSchema,
    /** Agency-local case references (e.g. BG-Nummer), by agency id. */
    caseRefs: z.record(agencyRefSchema, z.string().trim().min(1).max(100)).default({}),
  })
}

/** The young person; stored once in the consent store, a pseudonym everywhere else. */
export const consentSubjectSchema = subjectSchemaWith(storedNameSchema)
export type ConsentSubject = z.infer<typeof consentSubjectSchema>
/** The young person as staff enter them: names checked and NFC-normalised. */
export const consentSubjectInputSchema = subjectSchemaWith(personNameSchema)

function entrustingPersonSchemaWith(name: z.ZodType<string, string>) {
  // Discriminated, so a refused name is reported at `entrustingPerson.name`, not as "no match".
  return z.discriminatedUnion('isYouth', [
    z.strictObject({ isYouth: z.literal(true) }),
    z.strictObject({
      isYouth: z.literal(false),
      name,
      relation: z.string().trim().min(1).max(100).optional(),
    }),
  ])
}

/** Who entrusted § 65 SGB VIII data to the Jugendamt: the youth, or another named person. */
export const entrustingPersonSchema = entrustingPersonSchemaWith(storedNameSchema)
export type EntrustingPerson = z.infer<typeof entrustingPersonSchema>
/** The entrusting person as staff enter them: a name is checked and NFC-normalised. */
export const entrustingPersonInputSchema = entrustingPersonSchemaWith(personNameSchema)

/** The exact text shown, so what was agreed can be proven later. */
export const textReferenceSchema = z.strictObject({
  templateId: z.string().min(1).max(100),
  version: z.number().int().positive(),
  language: z.string().min(2).max(16),
  sha256: sha256Schema,
})
export type TextReference = z.infer<typeof textReferenceSchema>

export const signatureSchema = z.strictObject({
  role: signatoryRoleSchema,
  name: storedNameSchema,
  signedAt: instantSchema,
  method: signatureMethodSchema,
  /** SHA-256 of the evidence (drawn image or scan); the evidence itself stays in the store. */
  evidenceSha256: sha256Schema,
  kioskDevice: z.string().max(128).optional(),
  attendingStaff: z.string().max(128).optional(),
  /**
   * The text this signatory read: its language, template version and the SHA-256 of the text as
   * displayed (docs/design.md §3.1). Absent only on signatures made before this was recorded.
   */
  text: textReferenceSchema.optional(),
})
export type Signature = z.infer<typeof signatureSchema>

export const revocationSchema = z.strictObject({
  at: instantSchema,
  channel: revocationChannelSchema,
  /** An actor string (`user:…`, `kiosk:…`, `youth:…`). */
  by: z.string().min(1).max(140),
  reason: z.string().max(500).optional(),
})
export type Revocation = z.infer<typeof revocationSchema>

/** How a consent that was in force ended: revoked by someone, or lapsed at majority. */
export type ConsentEnding = 'revoked' | 'lapsed_at_majority'

/** A single-transfer consent is bound to the SHA-256 of one case summary (docs/design.md §3.1). */
export const singleTransferBindingSchema = z.strictObject({
  summarySha256: sha256Schema,
  usedByTransferId: z.string().min(1).max(128).optional(),
})
export type SingleTransferBinding = z.infer<typeof singleTransferBindingSchema>

/**
 * What one agency named in a consent tells the person under Art. 13 GDPR, copied from the
 * agency's configuration when the draft is made: the consent text shows it, and a later change of
 * the agency's configuration leaves the text of this consent — and so its SHA-256 — as it was.
 */
export const agencyPrivacyNoticeSchema = z.strictObject({
  agencyId: agencyRefSchema,
  /** The controller (Verantwortlicher): legal name and postal address. */
  controller: z.string().trim().min(1).max(300),
  /** How to reach the agency's data protection officer. */
  dpoContact: z.string().trim().min(1).max(300),
  /** The data protection supervisory authority competent for the agency (Art. 77 GDPR). */
  supervisoryAuthority: z.string().trim().min(1).max(300),
})
export type AgencyPrivacyNotice = z.infer<typeof agencyPrivacyNoticeSchema>

export const consentSchema = z.strictObject({
  id: z.string().min(1).max(64),
  kind: consentKindSchema,
  scope: consentScopeSchema,
  subjectPseudonym: z.string().min(1).max(128),
  createdBy: z.string().min(1).max(128),
  createdByAgencyId: agencyRefSchema,
  createdAt: instantSchema,
  senders: z.array(agencyRefSchema).min(1),
  recipients: z.array(agencyRefSchema).min(1),
  purposes: z.array(termIdSchema).min(1),
  categories: z.array(termIdSchema).min(1),
  validFrom: calendarDateSchema,
  validUntil: calendarDateSchema,
  text: textReferenceSchema,
  releasedProfessionals: z.array(z.string().trim().min(1).max(200)),
  /**
   * Who entrusted the data to the Jugendamt (§ 65 SGB VIII): the youth, or one or more named
   * persons; each named person signs (`entrustingRoles`, in this order). Empty when none.
   */
  entrustingPersons: z.array(entrustingPersonSchema).max(maxEntrustingPersons),
  /**
   * The categories whose data was entrusted to the Jugendamt for personal and educational help
   * (§ 65 SGB VIII), as its staff marked them — any category of the consent. Empty when no
   * Jugendamt sends.
   */
  entrustedCategories: z.array(termIdSchema),
  /** Fixed at creation and re-established at each signature (age at signing). */
  requiredSignatories: z.array(signatoryRoleSchema).min(1),
  signatures: z.array(signatureSchema),
  deselectedCategories: z.array(termIdSchema),
  deselectedRecipients: z.array(agencyRefSchema),
  revocation: revocationSchema.nullable(),
  discardedAt: instantSchema.nullable(),
  /** The person said no at the kiosk (docs/design.md §3.1): the draft is `declined`. */
  declinedAt: instantSchema.nullable(),
  /** The reason the person chose to give, if any (consent store only, never audited). */
  declineReason: z.string().max(500).nullable(),
  /**
   * The youth, come of age, did not confirm a consent a guardian co-signed: it `lapsed`. Nobody
   * revoked it, so it is not a revocation (issue «Consent integrity» point 6).
   */
  lapsedAt: instantSchema.nullable(),
  /** The consent this one renews (issue 18 point 5): it ends when this one is signed. */
  renewsConsentId: z.string().min(1).max(64).nullable(),
  /**
   * A renewal of this consent was signed: it ended then (`renewed`). Nobody revoked it, and its
   * validity did not run out; `renewedByConsentId` names the consent that took its place.
   */
  renewedAt: instantSchema.nullable(),
  renewedByConsentId: z.string().min(1).max(64).nullable(),
  /**
   * The approved template version fixed per language when the draft was made; a person who
   * reads the draft in another language reads that version. Empty on consents made before.
   */
  textVersions: z.record(z.string().min(2).max(16), z.number().int().positive()),
  /**
   * The Art. 13 GDPR information of every sender and recipient, in that order, as configured
   * when the draft was made (the text shows it). Empty on consents made before it was kept.
   */
  privacyNotices: z.array(agencyPrivacyNoticeSchema),
  singleTransfer: singleTransferBindingSchema.nullable(),
})
export type Consent = z.infer<typeof consentSchema>

/**
 * The facts a decision and the status need — what the decision path reads from one row.
 * `signedRoles` and `revokedAt` summarise the signature and revocation records.
 */
export interface ConsentFacts {
  id: string
  subjectPseudonym: string
  senders: readonly string[]
  recipients: readonly string[]
  purposes: readonly string[]
  categories: readonly string[]
  deselectedCategories: readonly string[]
  deselectedRecipients: readonly string[]
  validFrom: string
  validUntil: string
  requiredSignatories: readonly SignatoryRole[]
  signedRoles: readonly SignatoryRole[]
  revokedAt: string | null
  discardedAt: string | null
  declinedAt: string | null
  lapsedAt: string | null
  /** When a renewal of this consent was signed (it ended then), or null. */
  renewedAt: string | null
  singleTransfer: SingleTransferBinding | null
}

export function factsOf(consent: Consent): ConsentFacts {
  return {
    id: consent.id,
    subjectPseudonym: consent.subjectPseudonym,
    senders: consent.senders,
    recipients: consent.recipients,
    purposes: consent.purposes,
    categories: consent.categories,
    deselectedCategories: consent.deselectedCategories,
    deselectedRecipients: consent.deselectedRecipients,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    requiredSignatories: consent.requiredSignatories,
    signedRoles: consent.signatures.map((s) => s.role),
    revokedAt: consent.revocation?.at ?? null,
    discardedAt: consent.discardedAt,
    declinedAt: consent.declinedAt,
    lapsedAt: consent.lapsedAt,
    renewedAt: consent.renewedAt,
    singleTransfer: consent.singleTransfer,
  }
}

/** The categories the consent covers after the youth's deselection. */
export function coveredCategories(
  facts: Pick<ConsentFacts, 'categories' | 'deselectedCategories'>,
): string[] {
  return facts.categories.filter((c) => !facts.deselectedCategories.includes(c))
}

/** The recipients the consent covers after the youth's deselection. */
export function coveredRecipients(
  facts: Pick<ConsentFacts, 'recipients' | 'deselectedRecipients'>,
): string[] {
  return facts.recipients.filter((r) => !facts.deselectedRecipients.includes(r))
}
