import type { CertificateStanding, SenderStanding } from '../../consent/decide.ts'
import type { AgencyKeyring, CertificateCheck, RecipientIdentity, SignerLookup } from './ports.ts'

/** The certificate facts a transfer depends on, looked up once at the decision's instant. */
export interface CertificateConditions {
  recipient: RecipientIdentity | undefined
  recipientStanding: CertificateStanding
  signer: SignerLookup
  senderStanding: SenderStanding
}

/**
 * The one look-up of both certificates a transfer needs — the recipient's to encrypt to and the
 * sender's own to sign with — shared by `POST /transfers`, the delivery worker's second decision
 * and the dry run `POST /decisions`, so the dry run answers as the transfer would (issue 16,
 * point 8).
 */
export async function lookUpCertificateConditions(
  keyring: AgencyKeyring,
  input: { from: string; to: string; at: Date },
): Promise<CertificateConditions> {
  const [recipient, signer] = await Promise.all([
    keyring.recipient(input.to, input.at),
    keyring.signer(input.from, input.at),
  ])
  return {
    recipient,
    recipientStanding: recipientStandingOf(recipient),
    signer,
    senderStanding: senderStandingOf(signer),
  }
}

/** The recipient's standing: `missing` without a certificate, else what its check said. */
export function recipientStandingOf(recipient: RecipientIdentity | undefined): CertificateStanding {
  return recipient === undefined ? 'missing' : standingOfCheck(recipient.check)
}

/** The sending agency's standing, from the keyring's answer. */
export function senderStandingOf(lookup: SignerLookup): SenderStanding {
  if (lookup.ok) return 'valid'
  switch (lookup.problem) {
    case 'agency_unknown':
    case 'certificate_missing':
      return 'missing'
    case 'key_missing':
      return 'key_missing'
    case 'certificate_invalid':
      return standingOfCertificateCode(lookup.certificateCode ?? '')
  }
}

function standingOfCheck(check: CertificateCheck): CertificateStanding {
  return check.ok ? 'valid' : standingOfCertificateCode(check.code)
}

/**
 * The cause a validation code names (crypto/certificate-validation.ts): revoked, expired,
 * untrusted — no chain to a trust anchor, or revocation status not established (no current,
 * valid CRL) — or otherwise invalid for S/MIME to this mailbox.
 */
export function standingOfCertificateCode(
  code: string,
): Exclude<CertificateStanding, 'valid' | 'missing'> {
  switch (code) {
    case 'ERR_CERT_REVOKED':
      return 'revoked'
    case 'ERR_CERT_EXPIRED':
      return 'expired'
    case 'ERR_CERT_UNTRUSTED':
    case 'ERR_CERT_BAD_SIGNATURE':
    case 'ERR_CERT_NOT_CA':
    case 'ERR_CERT_CRL_MISSING':
    case 'ERR_CERT_CRL_INVALID':
    case 'ERR_CERT_CRL_EXPIRED':
      return 'untrusted'
    default:
      return 'invalid'
  }
}
