import { decodePem } from '../crypto/certificate-pem.ts'
import { parseCertificate } from '../crypto/certificate-parse.ts'
import type { ParsedCertificate } from '../crypto/certificate-parse.ts'
import { validateCertificate } from '../crypto/certificate-validation.ts'
import { verifyCms } from '../crypto/cms-verify.ts'
import { partnerCardBytes, partnerCardSha256, signedPartnerCardSchema } from './partner-card.ts'
import type { PartnerCard } from './partner-card.ts'

/** Why a card file is refused before anything is compared with what is known here. */
export type CardVerificationCode =
  'card_malformed' | 'card_signature_invalid' | 'card_certificate_invalid'

/** The SHA-256 fingerprints an operator compares with the partner out of band. */
export interface CardFingerprints {
  card: string
  certificates: { sha256: string; subject: string; notAfter: string }[]
  /** The CA chain as on the card: intermediates first, the root CA last. */
  caChain: { sha256: string; subject: string }[]
}

export type CardVerification =
  | {
      ok: true
      card: PartnerCard
      fingerprints: CardFingerprints
      certificates: ParsedCertificate[]
      intermediates: ParsedCertificate[]
      root: ParsedCertificate
    }
  | { ok: false; code: CardVerificationCode; reason: string }

const refuse = (code: CardVerificationCode, reason: string): CardVerification => ({
  ok: false,
  code,
  reason,
})

/**
 * Reads a partner card file and checks it stands on its own at `at`: well-formed; its root CA
 * a CA; every certificate on it an S/MIME certificate for the card's mailbox chaining to that
 * root (RFC 5280 §6); and the detached signature (RFC 5652 §5.6) made by one of those
 * certificates over the card's canonical bytes. Whether the root is the partner's real CA is
 * what the operator settles by comparing the fingerprints out of band. Never throws.
 */
export function verifyPartnerCard(bytes: Uint8Array, at: Date): CardVerification {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch {
    return refuse('card_malformed', 'the file is not JSON')
  }
  const parsed = signedPartnerCardSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    return refuse(
      'card_malformed',
      `not a partner card: ${issue ? `${issue.path.join('.') || '(file)'}: ${issue.message}` : ''}`,
    )
  }
  const { card, signature } = parsed.data
  let certificates: ParsedCertificate[]
  let chain: ParsedCertificate[]
  try {
    certificates = card.certificates.map((pem) => parseCertificate(decodePem(pem, 'CERTIFICATE')))
    chain = card.caChain.map((pem) => parseCertificate(decodePem(pem, 'CERTIFICATE')))
  } catch {
    return refuse('card_malformed', 'a certificate on the card cannot be read')
  }
  const root = chain[chain.length - 1]
  const intermediates = chain.slice(0, -1)
  if (root === undefined || root.basicConstraints?.ca !== true)
    return refuse('card_certificate_invalid', 'the last certificate of the CA chain is not a CA')
  if (new Set(certificates.map((c) => c.fingerprintSha256)).size !== certificates.length)
    return refuse('card_malformed', 'a certificate is listed twice')
  for (const certificate of certificates) {
    const result = validateCertificate({
      certificate: certificate.der,
      intermediates: intermediates.map((c) => c.der),
      trustAnchors: [root.der],
      at,
      expectedEmail: card.agency.mailbox,
      usage: 'encrypt',
      // CRLs are fetched from the card's URL by the refresh after import, not before.
      crlPolicy: 'if-present',
    })
    if (!result.ok)
      return refuse(
        'card_certificate_invalid',
        `certificate ${certificate.fingerprintSha256} does not chain to the card's CA for ${card.agency.mailbox}: ${result.reason}`,
      )
  }
  const verified = verifyCms({
    data: Buffer.from(signature, 'base64'),
    detachedContent: partnerCardBytes(card),
    trustAnchors: [root.der],
    crlPolicy: 'if-present',
    expectedEmail: card.agency.mailbox,
    at,
    maxBytes: 200_000,
  })
  if (!verified.ok) return refuse('card_signature_invalid', `bad signature: ${verified.reason}`)
  const signer = parseCertificate(verified.signer.certificate).fingerprintSha256
  if (!certificates.some((certificate) => certificate.fingerprintSha256 === signer))
    return refuse('card_signature_invalid', 'the card is not signed with a certificate on it')
  return {
    ok: true,
    card,
    certificates,
    intermediates,
    root,
    fingerprints: {
      card: partnerCardSha256(card),
      certificates: certificates.map((c) => ({
        sha256: c.fingerprintSha256,
        subject: c.subject,
        notAfter: c.notAfter.toISOString(),
      })),
      caChain: chain.map((c) => ({ sha256: c.fingerprintSha256, subject: c.subject })),
    },
  }
}
