import { createHash } from 'node:crypto'
import { z } from 'zod'
import { canonicalJson } from '../audit/canonical-json.ts'
import { agencyKindSchema } from '../config/agency-kinds.ts'
import { identifierSchema, privacyNoticeSchema, smimeProfileSchema } from './account-schemas.ts'

/** One certificate in PEM (a single `CERTIFICATE` block, as `encodePem` writes it). */
const pemCertificateSchema = z
  .string()
  .max(20_000)
  .regex(
    /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/,
    'one PEM certificate',
  )

/** Where a partner gateway receives S/MIME: `smtp://host:port` (no user, path or query). */
export const inboundSmtpUrlSchema = z
  .string()
  .max(300)
  .regex(
    /^smtp:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/,
    'smtp://host:port with a port number',
  )
  .refine((url) => {
    const port = Number(url.slice(url.lastIndexOf(':') + 1))
    return port >= 1 && port <= 65535
  }, 'the port must be 1–65535')

/**
 * A partner card, version 1 (issue 16, point 1): what one Brücke gateway tells another about an
 * agency it hosts, so the other can encrypt to it, verify its signatures and reach its inbound
 * listener. Public data only — certificates, never keys.
 */
export const partnerCardSchema = z.strictObject({
  format: z.literal('brucke-partner-card'),
  version: z.literal(1),
  agency: z.strictObject({
    id: identifierSchema,
    kind: agencyKindSchema,
    name: z.string().trim().min(2).max(200),
    mailbox: z.email().max(254),
    smimeProfile: smimeProfileSchema,
    /** Its Art. 13 GDPR information: a consent naming the agency shows it (and needs it). */
    privacyNotice: privacyNoticeSchema.nullable(),
  }),
  /** The agency's S/MIME certificates: the current one first, more during a key rollover. */
  certificates: z.array(pemCertificateSchema).min(1).max(8),
  /** The CA chain above them: intermediates first, the root CA (the trust anchor) last. */
  caChain: z.array(pemCertificateSchema).min(1).max(8),
  /** Where the root CA publishes its CRL (RFC 5280 §5), if it does. */
  crlUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable(),
  inboundSmtp: inboundSmtpUrlSchema,
  issuedAt: z.iso.datetime(),
})
export type PartnerCard = z.infer<typeof partnerCardSchema>

/** The file as exchanged: the card and a detached CMS SignedData (RFC 5652 §5) over its bytes. */
export const signedPartnerCardSchema = z.strictObject({
  card: partnerCardSchema,
  /** Base64 of the DER ContentInfo; signed content = {@link partnerCardBytes}. */
  signature: z
    .string()
    .max(200_000)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'base64'),
})
export type SignedPartnerCard = z.infer<typeof signedPartnerCardSchema>

/**
 * The signed bytes of a card: its JSON Canonicalization Scheme text (RFC 8785) in UTF-8, so
 * the signature holds whatever whitespace or member order the file was written with.
 */
export function partnerCardBytes(card: PartnerCard): Buffer {
  return Buffer.from(canonicalJson(card), 'utf8')
}

/** The card's SHA-256 fingerprint (lower-case hex of its canonical bytes), compared out of band. */
export function partnerCardSha256(card: PartnerCard): string {
  return createHash('sha256').update(partnerCardBytes(card)).digest('hex')
}

/** What is known here about the agency a card names, before it is imported. */
export interface KnownAgency {
  hosted: boolean
  /** When the card imported last was issued; null when none was. */
  cardIssuedAt: Date | null
}

export type CardImportRefusal = 'agency_hosted_here' | 'card_not_newer'

/**
 * Whether a card may be imported: never for an agency hosted here (its keys are here, a card
 * would replace them by someone else's word), and only when issued after the card imported
 * last — an older or replayed card must not roll certificates back.
 */
export function checkCardImport(
  known: KnownAgency | undefined,
  card: Pick<PartnerCard, 'issuedAt'>,
): { ok: true } | { ok: false; refusal: CardImportRefusal } {
  if (known === undefined) return { ok: true }
  if (known.hosted) return { ok: false, refusal: 'agency_hosted_here' }
  if (known.cardIssuedAt !== null && new Date(card.issuedAt) <= known.cardIssuedAt)
    return { ok: false, refusal: 'card_not_newer' }
  return { ok: true }
}

/** A certificate of the agency as registered here, for {@link planCertificateRollover}. */
export interface RegisteredCertificate {
  id: string
  retireAt: Date | null
}

export interface RolloverPlan {
  /** Fingerprints on the card not registered yet. */
  add: string[]
  /** Registered, not on the card, not retiring yet: used and accepted until `retireAt`. */
  retire: { id: string; retireAt: Date }[]
  /** Retiring, but back on the newer card: in service again without an end. */
  reinstate: string[]
}

/**
 * Key rollover (issue 16, point 1): a certificate the newer card drops keeps working for the
 * overlap, so mail encrypted or signed just before the switch still gets through; one already
 * retiring keeps its date (a second card does not extend the overlap).
 */
export function planCertificateRollover(input: {
  registered: RegisteredCertificate[]
  onCard: string[]
  at: Date
  overlapDays: number
}): RolloverPlan {
  const onCard = new Set(input.onCard)
  const registered = new Map(input.registered.map((record) => [record.id, record]))
  const retireAt = new Date(input.at.getTime() + input.overlapDays * 24 * 60 * 60 * 1000)
  return {
    add: [...onCard].filter((id) => !registered.has(id)),
    retire: input.registered
      .filter((record) => !onCard.has(record.id) && record.retireAt === null)
      .map((record) => ({ id: record.id, retireAt })),
    reinstate: input.registered
      .filter((record) => onCard.has(record.id) && record.retireAt !== null)
      .map((record) => record.id),
  }
}
