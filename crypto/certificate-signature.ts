import { constants, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { RsaSaPssParams, id_mgf1 } from '@peculiar/asn1-rsa'
import { AsnConvert } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { keyFamilyOf } from './certificate-key-pair.ts'

/** sha256WithRSAEncryption (RFC 4055 §5); its parameters MUST be NULL. */
export const sha256WithRsaEncryption = '1.2.840.113549.1.1.11'
/** ecdsa-with-SHA256 (RFC 5758 §3.2); its parameters MUST be absent. */
export const ecdsaWithSha256 = '1.2.840.10045.4.3.2'

/** How an RSA issuer signs: PKCS#1 v1.5 (the common case) or RSASSA-PSS (RFC 4055 §3). */
export type RsaSignatureScheme = 'pkcs1' | 'pss'

const sha256Oid = '2.16.840.1.101.3.4.2.1'
const rsassaPss = '1.2.840.113549.1.1.10'
const pssSaltLength = 32

/**
 * The signature algorithm the issuer's key implies: SHA-256 with RSA PKCS#1 v1.5 or
 * RSASSA-PSS (MGF1-SHA-256, 32-byte salt, RFC 4055 §3.1), or ECDSA.
 */
export function signatureAlgorithmFor(
  privateKey: KeyObject,
  rsaScheme: RsaSignatureScheme = 'pkcs1',
): AlgorithmIdentifier {
  if (keyFamilyOf(privateKey) !== 'rsa') {
    return new AlgorithmIdentifier({ algorithm: ecdsaWithSha256 })
  }
  if (rsaScheme === 'pkcs1') {
    return new AlgorithmIdentifier({ algorithm: sha256WithRsaEncryption, parameters: null })
  }
  const sha256 = new AlgorithmIdentifier({ algorithm: sha256Oid })
  const params = new RsaSaPssParams({
    hashAlgorithm: sha256,
    maskGenAlgorithm: new AlgorithmIdentifier({
      algorithm: id_mgf1,
      parameters: AsnConvert.serialize(sha256),
    }),
    saltLength: pssSaltLength,
  })
  return new AlgorithmIdentifier({ algorithm: rsassaPss, parameters: AsnConvert.serialize(params) })
}

/**
 * Signs a DER-encoded TBSCertificate or TBSCertList with native crypto. ECDSA signatures come
 * out DER-encoded (Ecdsa-Sig-Value, RFC 3279 §2.2.3), as X.509 requires.
 */
export function signTbs(
  tbs: Uint8Array,
  privateKey: KeyObject,
  rsaScheme: RsaSignatureScheme = 'pkcs1',
): Buffer {
  if (keyFamilyOf(privateKey) === 'rsa' && rsaScheme === 'pss') {
    return sign('sha256', tbs, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: pssSaltLength,
    })
  }
  return sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' })
}

const rsaPkcs1Hashes: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
}
const ecdsaHashes: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
}
const digestOids: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
}

/** Outcome of a signature check: valid, invalid, or an algorithm we do not accept (e.g. SHA-1). */
export type SignatureCheck = 'valid' | 'invalid' | 'unsupported'

/**
 * Verifies a certificate or CRL signature with native crypto: RSA PKCS#1 v1.5 and RSASSA-PSS
 * (RFC 4055 §3) and ECDSA (RFC 5758 §3.2) with SHA-256/384/512. SHA-1 and MD5 are refused
 * (RFC 8550 §4.3 / RFC 8551 §2.1 forbid them for new signatures).
 */
export function verifySignature(input: {
  algorithm: AlgorithmIdentifier
  data: Uint8Array
  signature: Uint8Array
  publicKey: KeyObject
}): SignatureCheck {
  const { algorithm, data, signature, publicKey } = input
  const oid = algorithm.algorithm
  const family = publicKey.asymmetricKeyType
  try {
    const pkcs1 = rsaPkcs1Hashes[oid]
    if (pkcs1 !== undefined) {
      if (family !== 'rsa') return 'invalid'
      return check(
        verify(pkcs1, data, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature),
      )
    }
    const ecdsa = ecdsaHashes[oid]
    if (ecdsa !== undefined) {
      if (family !== 'ec') return 'invalid'
      return check(verify(ecdsa, data, { key: publicKey, dsaEncoding: 'der' }, signature))
    }
    if (oid === rsassaPss) {
      if (family !== 'rsa' && family !== 'rsa-pss') return 'invalid'
      const pss = pssParameters(algorithm)
      if (pss === undefined) return 'unsupported'
      return check(
        verify(
          pss.hash,
          data,
          { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength },
          signature,
        ),
      )
    }
    return 'unsupported'
  } catch {
    // OpenSSL throws on structurally broken signatures (e.g. a bad ECDSA DER); that is a failed check.
    return 'invalid'
  }
}

function check(valid: boolean): SignatureCheck {
  return valid ? 'valid' : 'invalid'
}

function pssParameters(
  algorithm: AlgorithmIdentifier,
): { hash: string; saltLength: number } | undefined {
  if (algorithm.parameters === undefined || algorithm.parameters === null) return undefined
  const params = AsnConvert.parse(algorithm.parameters, RsaSaPssParams)
  const hash = digestOids[params.hashAlgorithm.algorithm]
  if (hash === undefined || params.maskGenAlgorithm.algorithm !== id_mgf1) return undefined
  const mgfHash = params.maskGenAlgorithm.parameters
  if (mgfHash !== undefined && mgfHash !== null) {
    const mgf = AsnConvert.parse(mgfHash, AlgorithmIdentifier)
    // Node ties the MGF1 hash to the message hash; a mismatch is an algorithm we do not accept.
    if (digestOids[mgf.algorithm] !== hash) return undefined
  }
  return { hash, saltLength: params.saltLength }
}
