import { sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { keyFamilyOf } from './certificate-key-pair.ts'

/** sha256WithRSAEncryption (RFC 4055 §5); its parameters MUST be NULL. */
export const sha256WithRsaEncryption = '1.2.840.113549.1.1.11'
/** ecdsa-with-SHA256 (RFC 5758 §3.2); its parameters MUST be absent. */
export const ecdsaWithSha256 = '1.2.840.10045.4.3.2'

/** The signature algorithm the issuer's key implies: SHA-256 with RSA PKCS#1 v1.5 or ECDSA. */
export function signatureAlgorithmFor(privateKey: KeyObject): AlgorithmIdentifier {
  return keyFamilyOf(privateKey) === 'rsa'
    ? new AlgorithmIdentifier({ algorithm: sha256WithRsaEncryption, parameters: null })
    : new AlgorithmIdentifier({ algorithm: ecdsaWithSha256 })
}

/**
 * Signs a DER-encoded TBSCertificate or TBSCertList with native crypto. ECDSA signatures come
 * out DER-encoded (Ecdsa-Sig-Value, RFC 3279 §2.2.3), as X.509 requires.
 */
export function signTbs(tbs: Uint8Array, privateKey: KeyObject): Buffer {
  return sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' })
}
