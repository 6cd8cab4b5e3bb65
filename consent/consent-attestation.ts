import { z } from 'zod'
import { calendarDateSchema, validityWindow } from './calendar.ts'
import {
  agencyRefSchema,
  consentKindSchema,
  consentScopeSchema,
  coveredCategories,
  coveredRecipients,
  signatoryRoleSchema,
  signatureMethodSchema,
  type Consent,
  type ConsentKind,
  type Revocation,
  type Signature,
  type SignatoryRole,
  type TextReference,
} from './consent.ts'
import { categoryNotCovered } from './decide.ts'
import { consentStatus, consentStatuses } from './status.ts'
import { termIdSchema } from './vocabulary.ts'

/**
 * The consent attestation (issue 16 point 4): what a transfer was sent under, carried inside the
 * signed entity so the recipient's staff and DPO can read the legal basis without access to the
 * sender's consent store. It names roles, dates and methods of the signatories — never their
 * names, the evidence or the subject — and only what the consent actually covers: categories and
 * recipients after the person's deselections (docs/design.md «Consent attestation»).
 */
export const consentAttestationVersion = 1

const listOf = <T extends z.ZodType>(item: T) => z.array(item).max(64)

export const consentAttestationSchema = z.strictObject({
  version: z.literal(consentAttestationVersion),
  consentId: z.string().min(1).max(64),
  kind: consentKindSchema,
  scope: consentScopeSchema,
  /** The consent text the person agreed to: its template, approved version and SHA-256. */
  text: z.strictObject({
    templateId: z.string().min(1).max(100),
    version: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  signatories: z
    .array(
      z.strictObject({
        role: signatoryRoleSchema,
        signedAt: z.iso.datetime(),
        method: signatureMethodSchema,
      }),
    )
    .max(8),
  validFrom: calendarDateSchema,
  validUntil: calendarDateSchema,
  senders: listOf(agencyRefSchema).min(1),
  /** The recipients the consent covers (the person's deselections removed). */
  recipients: listOf(agencyRefSchema),
  purposes: listOf(termIdSchema).min(1),
  /** The categories the consent covers (the person's deselections removed). */
  categories: listOf(termIdSchema),
  /** Covered categories whose data was entrusted to a Jugendamt (§ 65 SGB VIII). */
  entrustedCategories: listOf(termIdSchema),
  /** The consent's status when the attestation was issued. */
  status: z.enum(consentStatuses),
  issuedAt: z.iso.datetime(),
})
export type ConsentAttestation = z.infer<typeof consentAttestationSchema>

/**
 * What an attestation is built from: a full {@link Consent} fits, and so does the lighter record
 * the relay reads on its hot path (the consent row and the signatures' role, date and method).
 */
export interface AttestationSource {
  id: string
  kind: ConsentKind
  scope: Consent['scope']
  senders: readonly string[]
  recipients: readonly string[]
  purposes: readonly string[]
  categories: readonly string[]
  deselectedCategories: readonly string[]
  deselectedRecipients: readonly string[]
  validFrom: string
  validUntil: string
  entrustedCategories: readonly string[]
  requiredSignatories: readonly SignatoryRole[]
  discardedAt: string | null
  declinedAt: string | null
  lapsedAt: string | null
  renewedAt: string | null
  text: Pick<TextReference, 'templateId' | 'version' | 'sha256'>
  signatures: readonly Pick<Signature, 'role' | 'signedAt' | 'method'>[]
  revocation: Pick<Revocation, 'at'> | null
}

/** The attestation of `consent` as it stands at `at` (the instant the message is composed). */
export function buildConsentAttestation(consent: AttestationSource, at: Date): ConsentAttestation {
  const categories = coveredCategories(consent)
  return {
    version: consentAttestationVersion,
    consentId: consent.id,
    kind: consent.kind,
    scope: consent.scope,
    text: {
      templateId: consent.text.templateId,
      version: consent.text.version,
      sha256: consent.text.sha256,
    },
    // Role, instant and method only: names and evidence stay in the sender's consent store.
    signatories: consent.signatures.map((s) => ({
      role: s.role,
      signedAt: s.signedAt,
      method: s.method,
    })),
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    senders: [...consent.senders],
    recipients: coveredRecipients(consent),
    purposes: [...consent.purposes],
    categories,
    entrustedCategories: consent.entrustedCategories.filter((c) => categories.includes(c)),
    status: consentStatus(
      {
        requiredSignatories: consent.requiredSignatories,
        signedRoles: consent.signatures.map((s) => s.role),
        revokedAt: consent.revocation?.at ?? null,
        discardedAt: consent.discardedAt,
        declinedAt: consent.declinedAt,
        lapsedAt: consent.lapsedAt,
        renewedAt: consent.renewedAt,
        validFrom: consent.validFrom,
        validUntil: consent.validUntil,
      },
      at,
    ),
    issuedAt: at.toISOString(),
  }
}

/** A transfer as its signed headers describe it, checked by the receiver against the attestation. */
export interface AttestedTransfer {
  sender: string
  recipient: string
  purpose: string
  categories: readonly string[]
  /** The instant the transfer was sent (the signed `Date`), checked against the validity. */
  at: Date
}

/**
 * Whether a received transfer lies inside the attestation it carries (issue 16 point 4): the
 * consent was in force when it was issued, the sender and recipient are parties it covers, the
 * purpose and every category are covered, and `at` falls in the validity (Berlin calendar days).
 * Reasons use the codes of the sender's decision (docs/design.md §3.2); every one is listed.
 */
export function attestationCoversTransfer(
  attestation: ConsentAttestation,
  transfer: AttestedTransfer,
): { ok: true } | { ok: false; reasons: string[] } {
  const reasons: string[] = []
  if (attestation.status !== 'active') reasons.push(`consent_${attestation.status}`)
  const window = validityWindow(attestation.validFrom, attestation.validUntil)
  const at = transfer.at.getTime()
  if (at < window.start.getTime()) reasons.push('not_yet_valid')
  if (at >= window.end.getTime()) reasons.push('consent_expired')
  if (!attestation.senders.includes(transfer.sender)) reasons.push('sender_not_covered')
  if (!attestation.recipients.includes(transfer.recipient)) reasons.push('recipient_not_covered')
  if (!attestation.purposes.includes(transfer.purpose)) reasons.push('purpose_not_covered')
  if (transfer.categories.length === 0) reasons.push('categories_missing')
  for (const category of transfer.categories)
    if (!attestation.categories.includes(category)) reasons.push(categoryNotCovered(category))
  return reasons.length === 0 ? { ok: true } : { ok: false, reasons: [...new Set(reasons)] }
}
