import { createHash } from 'node:crypto'
import { id_kp_emailProtection, anyExtendedKeyUsage } from '@peculiar/asn1-x509'
import { BoundedCache } from './bounded-cache.ts'
import { parseCertificate } from './certificate-parse.ts'
import type { ParsedCertificate } from './certificate-parse.ts'
import { formatSerialNumber } from './certificate-serial.ts'
import { verifySignature } from './certificate-signature.ts'
import type { SignatureCheck } from './certificate-signature.ts'
import { parseCrl } from './crl-parse.ts'
import type { ParsedCrl } from './crl-parse.ts'
import { CodedError } from '../errors/coded-error.ts'
import { CertificateError } from './errors.ts'
import type { CertificateErrorCode, ErrorDetails } from './errors.ts'

/** What the certificate is to be used for: verifying S/MIME signatures or encrypting to it. */
export type CertificateUsage = 'sign' | 'encrypt'

/** The codes validation can fail with — a closed subset of {@link CertificateErrorCode}. */
export type CertificateValidationCode = Extract<
  CertificateErrorCode,
  | 'ERR_CERT_MALFORMED'
  | 'ERR_CERT_UNSUPPORTED_KEY'
  | 'ERR_CERT_CRITICAL_EXTENSION'
  | 'ERR_CERT_EXPIRED'
  | 'ERR_CERT_NOT_YET_VALID'
  | 'ERR_CERT_UNTRUSTED'
  | 'ERR_CERT_BAD_SIGNATURE'
  | 'ERR_CERT_NOT_CA'
  | 'ERR_CERT_KEY_USAGE'
  | 'ERR_CERT_EKU'
  | 'ERR_CERT_EMAIL_MISMATCH'
  | 'ERR_CERT_REVOKED'
  | 'ERR_CERT_CRL_MISSING'
  | 'ERR_CERT_CRL_INVALID'
  | 'ERR_CERT_CRL_EXPIRED'
>

/** Input of {@link validateCertificate}. All certificates and CRLs are DER. */
export interface ValidateCertificateInput {
  certificate: Uint8Array
  /** Untrusted CA certificates that may complete the chain (e.g. from a CMS message). */
  intermediates?: Uint8Array[]
  /** Trusted root (or pinned intermediate) CA certificates. */
  trustAnchors: Uint8Array[]
  /** CRLs of the CAs in the chain. */
  crls?: Uint8Array[]
  /** The instant the certificate must be valid at (the use case's clock reading). */
  at: Date
  /** The mailbox the certificate must name, compared case-insensitively. */
  expectedEmail?: string
  usage: CertificateUsage
  /**
   * 'require' (default): every certificate below the anchor needs a current CRL from its issuer.
   * 'if-present': CRLs given are checked, a CA without one passes (for anchors configured without a CRL source).
   */
  crlPolicy?: 'require' | 'if-present'
}

/** Result of {@link validateCertificate}: the chain leaf → trust anchor, or one failure code. */
export type CertificateValidationResult =
  | { ok: true; chain: ParsedCertificate[] }
  | { ok: false; code: CertificateValidationCode; reason: string; details: ErrorDetails }

const maxChainLength = 8

/*
 * Memoisation of the pure, time-independent part of validation (issue 4, point 5: parsing the CA
 * certificate and CRL again on every message cost more than the S/MIME crypto itself).
 * Module-level and bounded (LRU), keyed by SHA-256 of the exact DER:
 *  - parsed certificates and CRLs: the same bytes always parse to the same fields; parse errors
 *    are not cached. A miss parses a private copy of the bytes, so the cached fields cannot be
 *    changed through a caller's buffer (parsing keeps views into its input). Callers get a shallow copy; nested values (Buffers, Sets, Maps, KeyObject)
 *    are shared and must be treated as read-only, as everywhere in this module.
 *  - signature checks: the outcome of verifying a certificate or CRL (whose DER fixes the signed
 *    bytes, algorithm and signature value) with an issuer certificate (whose DER fixes the key).
 * Everything that depends on `at` — validity periods, CRL currency, revocation dates — and the
 * chain, CA-constraint, usage and mailbox rules run on every call.
 */
const parsedCertificates = new BoundedCache<string, ParsedCertificate>(256)
const parsedCrls = new BoundedCache<string, ParsedCrl>(64)
const signatureChecks = new BoundedCache<string, SignatureCheck>(1024)

function derKey(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex')
}

function parseCertificateMemo(der: Uint8Array): ParsedCertificate {
  return {
    ...parsedCertificates.getOrCompute(derKey(der), () => parseCertificate(Buffer.from(der))),
  }
}

function parseCrlMemo(der: Uint8Array): ParsedCrl {
  return { ...parsedCrls.getOrCompute(derKey(der), () => parseCrl(Buffer.from(der))) }
}

/** Verifies `signed` (a certificate or CRL) with the key of `issuer`, memoised on both DERs. */
function checkSignedBy(
  kind: 'certificate' | 'crl',
  signed: ParsedCertificate | ParsedCrl,
  issuer: ParsedCertificate,
): SignatureCheck {
  return signatureChecks.getOrCompute(
    `${kind}:${signed.fingerprintSha256}:${issuer.fingerprintSha256}`,
    () =>
      verifySignature({
        algorithm: signed.signatureAlgorithm,
        data: signed.tbsDer,
        signature: signed.signatureValue,
        publicKey: issuer.publicKey,
      }),
  )
}

/** Thrown inside {@link validate} and turned into the `{ ok: false }` result at its edge. */
class ValidationFailure extends CodedError<CertificateValidationCode, ErrorDetails> {}

const fail = (
  code: CertificateValidationCode,
  reason: string,
  details: ErrorDetails = {},
): ValidationFailure => new ValidationFailure(code, reason, { details })

/**
 * Validates an S/MIME certificate per RFC 5280 §6 (simplified: no policy processing, no name
 * constraints) and RFC 8550 §4.4: chain to a trust anchor with signatures checked by native
 * crypto, validity at `at` for every certificate, basicConstraints and keyCertSign on the CAs,
 * keyUsage and extendedKeyUsage emailProtection on the leaf, mailbox match (subjectAltName
 * rfc822Name, else subject emailAddress) and revocation by signed, current CRLs.
 *
 * Never throws for bad input: every problem is a typed `{ ok: false, code }`.
 */
export function validateCertificate(input: ValidateCertificateInput): CertificateValidationResult {
  try {
    return { ok: true, chain: validate(input) }
  } catch (error) {
    if (error instanceof ValidationFailure) {
      return { ok: false, code: error.code, reason: error.message, details: error.details ?? {} }
    }
    if (error instanceof CertificateError && isValidationCode(error.code)) {
      return { ok: false, code: error.code, reason: error.message, details: error.details }
    }
    throw error
  }
}

function validate(input: ValidateCertificateInput): ParsedCertificate[] {
  const leaf = parseCertificateMemo(input.certificate)
  const intermediates = (input.intermediates ?? []).map((der) => parseCertificateMemo(der))
  const anchors = input.trustAnchors.map((der) => parseCertificateMemo(der))
  const chain = buildChain(leaf, intermediates, anchors)
  const at = input.at

  for (const certificate of chain) {
    if (certificate.unknownCriticalExtensions.length > 0) {
      throw fail('ERR_CERT_CRITICAL_EXTENSION', `certificate has an unknown critical extension`, {
        ...describe(certificate),
        extension: certificate.unknownCriticalExtensions.join(','),
      })
    }
    if (at < certificate.notBefore) {
      throw fail('ERR_CERT_NOT_YET_VALID', 'certificate is not yet valid', {
        ...describe(certificate),
        notBefore: certificate.notBefore.toISOString(),
      })
    }
    if (at > certificate.notAfter) {
      throw fail('ERR_CERT_EXPIRED', 'certificate has expired', {
        ...describe(certificate),
        notAfter: certificate.notAfter.toISOString(),
      })
    }
  }
  checkCaConstraints(chain)
  checkLeafUsage(leaf, input.usage)
  if (input.expectedEmail !== undefined) checkEmail(leaf, input.expectedEmail)
  checkRevocation(chain, input)
  return chain
}

/** Walks issuer links from the leaf to a trust anchor; prefers candidates whose SKI matches the AKI. */
function buildChain(
  leaf: ParsedCertificate,
  intermediates: ParsedCertificate[],
  anchors: ParsedCertificate[],
): ParsedCertificate[] {
  const chain: ParsedCertificate[] = [leaf]
  let badSignature: ParsedCertificate | undefined
  let current = leaf
  while (chain.length <= maxChainLength) {
    const anchor = findIssuer(current, anchors)
    if (anchor.found !== undefined) {
      // A trust anchor that is the leaf itself stays a single-element chain.
      if (anchor.found.fingerprintSha256 !== current.fingerprintSha256) chain.push(anchor.found)
      return chain
    }
    badSignature ??= anchor.badSignature
    const next = findIssuer(
      current,
      intermediates.filter((candidate) => !chain.includes(candidate)),
    )
    badSignature ??= next.badSignature
    if (next.found === undefined) break
    chain.push(next.found)
    current = next.found
  }
  if (badSignature !== undefined) {
    throw fail(
      'ERR_CERT_BAD_SIGNATURE',
      'certificate signature does not verify with its issuer key',
      { ...describe(current), issuer: badSignature.subject },
    )
  }
  throw fail('ERR_CERT_UNTRUSTED', 'no chain to a trusted CA', {
    ...describe(current),
    issuer: current.issuer,
  })
}

function findIssuer(
  child: ParsedCertificate,
  candidates: ParsedCertificate[],
): { found?: ParsedCertificate; badSignature?: ParsedCertificate } {
  const byName = candidates.filter((candidate) => candidate.subjectDer.equals(child.issuerDer))
  const ordered = [...byName].sort(
    (a, b) => Number(keyIdMatches(child, b)) - Number(keyIdMatches(child, a)),
  )
  let badSignature: ParsedCertificate | undefined
  for (const candidate of ordered) {
    const check = checkSignedBy('certificate', child, candidate)
    if (check === 'valid') return { found: candidate }
    if (check === 'unsupported') {
      throw fail('ERR_CERT_BAD_SIGNATURE', 'signature algorithm not accepted', {
        ...describe(child),
        algorithm: child.signatureAlgorithm.algorithm,
      })
    }
    badSignature ??= candidate
  }
  return badSignature === undefined ? {} : { badSignature }
}

function keyIdMatches(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return (
    child.authorityKeyIdentifier !== undefined &&
    issuer.subjectKeyIdentifier !== undefined &&
    child.authorityKeyIdentifier.equals(issuer.subjectKeyIdentifier)
  )
}

/** Every issuer in the chain must be a CA allowed to sign certificates (RFC 5280 §4.2.1.3, §4.2.1.9). */
function checkCaConstraints(chain: ParsedCertificate[]): void {
  for (let index = 1; index < chain.length; index += 1) {
    const issuer = chain[index]
    if (issuer === undefined) continue
    const constraints = issuer.basicConstraints
    if (constraints?.ca !== true) {
      throw fail('ERR_CERT_NOT_CA', 'issuer is not a CA', describe(issuer))
    }
    if (issuer.keyUsage !== undefined && !issuer.keyUsage.has('keyCertSign')) {
      throw fail('ERR_CERT_NOT_CA', 'issuer key may not sign certificates', describe(issuer))
    }
    // Intermediate CAs below this one: chain positions 1 … index-1.
    if (constraints.pathLength !== undefined && index - 1 > constraints.pathLength) {
      throw fail('ERR_CERT_NOT_CA', 'CA path length constraint exceeded', describe(issuer))
    }
  }
}

/**
 * RFC 8550 §4.4.2: signing needs digitalSignature or nonRepudiation; encryption needs
 * keyEncipherment (RSA key transport) or keyAgreement (ECDH, RFC 5753). §4.4.4: an EKU, when
 * present, must include emailProtection or anyExtendedKeyUsage.
 */
function checkLeafUsage(leaf: ParsedCertificate, usage: CertificateUsage): void {
  const family = leaf.publicKey.asymmetricKeyType
  if (family !== 'rsa' && family !== 'ec' && family !== 'rsa-pss') {
    throw fail('ERR_CERT_UNSUPPORTED_KEY', 'key type not usable for S/MIME', {
      ...describe(leaf),
      keyType: String(family),
    })
  }
  if (usage === 'encrypt' && family === 'rsa-pss') {
    throw fail('ERR_CERT_KEY_USAGE', 'an RSA-PSS key cannot encrypt', describe(leaf))
  }
  const keyUsage = leaf.keyUsage
  if (keyUsage !== undefined) {
    const allowed =
      usage === 'sign'
        ? keyUsage.has('digitalSignature') || keyUsage.has('nonRepudiation')
        : family === 'ec'
          ? keyUsage.has('keyAgreement')
          : keyUsage.has('keyEncipherment')
    if (!allowed) {
      throw fail('ERR_CERT_KEY_USAGE', `keyUsage does not allow ${usage}`, {
        ...describe(leaf),
        keyUsage: [...keyUsage].join(','),
      })
    }
  }
  const eku = leaf.extendedKeyUsage
  if (
    eku !== undefined &&
    !eku.includes(id_kp_emailProtection) &&
    !eku.includes(anyExtendedKeyUsage)
  ) {
    throw fail('ERR_CERT_EKU', 'extendedKeyUsage lacks emailProtection', {
      ...describe(leaf),
      extendedKeyUsage: eku.join(','),
    })
  }
}

/** RFC 8550 §3: the rfc822Name entries of subjectAltName; the subject emailAddress only if there are none. */
function checkEmail(leaf: ParsedCertificate, expectedEmail: string): void {
  const names = leaf.sanEmails.length > 0 ? leaf.sanEmails : leaf.subjectEmails
  const wanted = expectedEmail.trim().toLowerCase()
  if (!names.some((name) => name.toLowerCase() === wanted)) {
    throw fail('ERR_CERT_EMAIL_MISMATCH', 'certificate does not name the mailbox', {
      ...describe(leaf),
      certificateEmails: names.join(','),
    })
  }
}

/** RFC 5280 §6.3, simplified to full CRLs issued by the certificate's own issuer. */
function checkRevocation(chain: ParsedCertificate[], input: ValidateCertificateInput): void {
  const crls = (input.crls ?? []).map((der) => parseCrlMemo(der))
  const policy = input.crlPolicy ?? 'require'
  for (let index = 0; index + 1 < chain.length; index += 1) {
    const subject = chain[index]
    const issuer = chain[index + 1]
    if (subject === undefined || issuer === undefined) continue
    const crl = findCrl(crls, issuer, input.at)
    if (crl === undefined) {
      if (policy === 'if-present') continue
      throw fail('ERR_CERT_CRL_MISSING', 'no CRL for the issuing CA', {
        ...describe(subject),
        issuer: issuer.subject,
      })
    }
    const revokedAt = crl.revoked.get(subject.serialNumber)
    if (revokedAt !== undefined && revokedAt <= input.at) {
      throw fail('ERR_CERT_REVOKED', 'certificate is revoked', {
        ...describe(subject),
        revokedAt: revokedAt.toISOString(),
      })
    }
  }
}

/** The newest CRL of this issuer with a good signature; failures are specific when no CRL is usable. */
function findCrl(crls: ParsedCrl[], issuer: ParsedCertificate, at: Date): ParsedCrl | undefined {
  const candidates = crls.filter((crl) => crl.issuerDer.equals(issuer.subjectDer))
  if (candidates.length === 0) return undefined
  const signed = candidates.filter((crl) => checkSignedBy('crl', crl, issuer) === 'valid')
  if (signed.length === 0) {
    throw fail('ERR_CERT_CRL_INVALID', 'CRL signature does not verify', {
      issuer: issuer.subject,
    })
  }
  if (issuer.keyUsage !== undefined && !issuer.keyUsage.has('cRLSign')) {
    throw fail('ERR_CERT_CRL_INVALID', 'issuer key may not sign CRLs', {
      issuer: issuer.subject,
    })
  }
  const current = signed.filter(
    (crl) => crl.thisUpdate <= at && (crl.nextUpdate === undefined || at <= crl.nextUpdate),
  )
  const newest = current.sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime())[0]
  if (newest === undefined) {
    throw fail('ERR_CERT_CRL_EXPIRED', 'no CRL of the issuing CA is current', {
      issuer: issuer.subject,
      at: at.toISOString(),
    })
  }
  return newest
}

function describe(certificate: ParsedCertificate): ErrorDetails {
  return {
    subject: certificate.subject,
    serialNumber: formatSerialNumber(certificate.serialNumber),
    fingerprintSha256: certificate.fingerprintSha256,
  }
}

const validationCodes: ReadonlySet<string> = new Set<CertificateValidationCode>([
  'ERR_CERT_MALFORMED',
  'ERR_CERT_UNSUPPORTED_KEY',
  'ERR_CERT_CRITICAL_EXTENSION',
  'ERR_CERT_EXPIRED',
  'ERR_CERT_NOT_YET_VALID',
  'ERR_CERT_UNTRUSTED',
  'ERR_CERT_BAD_SIGNATURE',
  'ERR_CERT_NOT_CA',
  'ERR_CERT_KEY_USAGE',
  'ERR_CERT_EKU',
  'ERR_CERT_EMAIL_MISMATCH',
  'ERR_CERT_REVOKED',
  'ERR_CERT_CRL_MISSING',
  'ERR_CERT_CRL_INVALID',
  'ERR_CERT_CRL_EXPIRED',
])

function isValidationCode(code: CertificateErrorCode): code is CertificateValidationCode {
  return validationCodes.has(code)
}
