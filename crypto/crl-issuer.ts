import type { ParsedCertificate } from './certificate-parse.ts'
import { verifySignature } from './certificate-signature.ts'
import type { ParsedCrl } from './crl-parse.ts'

/**
 * The CA among `candidates` that issued `crl`: same name as the CRL's issuer, allowed to sign
 * CRLs (keyUsage cRLSign when keyUsage is present, RFC 5280 §4.2.1.3) and whose key verifies the
 * CRL's signature. undefined when none did — such a CRL must not be stored or used.
 */
export function findCrlIssuer(
  crl: ParsedCrl,
  candidates: readonly ParsedCertificate[],
): ParsedCertificate | undefined {
  return candidates.find(
    (candidate) =>
      candidate.subjectDer.equals(crl.issuerDer) &&
      candidate.basicConstraints?.ca === true &&
      (candidate.keyUsage === undefined || candidate.keyUsage.has('cRLSign')) &&
      verifySignature({
        algorithm: crl.signatureAlgorithm,
        data: crl.tbsDer,
        signature: crl.signatureValue,
        publicKey: candidate.publicKey,
      }) === 'valid',
  )
}
