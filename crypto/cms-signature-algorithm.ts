import { constants, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { RsaSaPssParams } from '@peculiar/asn1-rsa'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { parseParameters } from './cms-der.ts'
import { digestNames, oid } from './cms-oids.ts'
import { CmsError } from './errors.ts'

import { pssSaltLength } from './node-key-operations.ts'
import type { SignatureScheme } from './private-key-operations.ts'

/** Signature schemes Brücke writes (RFC 8551 §2.2; RSASSA-PSS per RFC 4056, ECDSA per RFC 5753 §2.1). */
export type RsaSignatureScheme = SignatureScheme

const rsaPkcs1Hashes: Readonly<Record<string, string>> = {
  [oid.sha256WithRsaEncryption]: 'sha256',
  [oid.sha384WithRsaEncryption]: 'sha384',
  [oid.sha512WithRsaEncryption]: 'sha512',
}
const ecdsaHashes: Readonly<Record<string, string>> = {
  [oid.ecdsaWithSha256]: 'sha256',
  [oid.ecdsaWithSha384]: 'sha384',
  [oid.ecdsaWithSha512]: 'sha512',
}

/** The SignerInfo signatureAlgorithm for our (public) key and scheme, with SHA-256. */
export function signatureAlgorithmFor(
  key: KeyObject,
  scheme: RsaSignatureScheme,
): AlgorithmIdentifier {
  if (key.asymmetricKeyType === 'ec')
    return new AlgorithmIdentifier({ algorithm: oid.ecdsaWithSha256 })
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'signer key type not supported', {
      details: { keyType: String(key.asymmetricKeyType) },
    })
  }
  if (scheme === 'rsa-pkcs1') {
    return new AlgorithmIdentifier({ algorithm: oid.sha256WithRsaEncryption, parameters: null })
  }
  const sha256 = new AlgorithmIdentifier({ algorithm: oid.sha256 })
  const params = new RsaSaPssParams({
    hashAlgorithm: sha256,
    maskGenAlgorithm: new AlgorithmIdentifier({
      algorithm: oid.mgf1,
      parameters: AsnConvert.serialize(sha256),
    }),
    saltLength: pssSaltLength,
  })
  return new AlgorithmIdentifier({
    algorithm: oid.rsassaPss,
    parameters: AsnConvert.serialize(params),
  })
}

/**
 * Verifies a SignerInfo signature with the signer's public key. Returns false only for a
 * signature that does not verify; an unknown or inconsistent algorithm is ERR_CMS_UNSUPPORTED.
 */
export function verifySignature(input: {
  signatureAlgorithm: AlgorithmIdentifier
  digestAlgorithm: AlgorithmIdentifier
  publicKey: KeyObject
  data: Buffer
  signature: Buffer
}): boolean {
  const { signatureAlgorithm, publicKey, data, signature } = input
  const algorithm = signatureAlgorithm.algorithm
  const keyType = publicKey.asymmetricKeyType
  const digestHash = digestNames[input.digestAlgorithm.algorithm]
  let hash: string | undefined
  let options: { padding?: number; saltLength?: number } = {}
  if (keyType === 'rsa' && rsaPkcs1Hashes[algorithm]) {
    hash = rsaPkcs1Hashes[algorithm]
  } else if (keyType === 'rsa' && algorithm === oid.rsaEncryption) {
    // Older signers (OpenSSL, gpgsm) name only the key algorithm; the digest comes from the SignerInfo.
    hash = digestHash
  } else if (keyType === 'rsa' && algorithm === oid.rsassaPss) {
    const pss = pssParametersOf(signatureAlgorithm)
    hash = pss.hash
    options = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength }
  } else if (keyType === 'ec' && ecdsaHashes[algorithm]) {
    hash = ecdsaHashes[algorithm]
  } else if (keyType === 'ec' && algorithm === oid.ecPublicKey) {
    hash = digestHash
  }
  if (!hash) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'signature algorithm not supported for this key', {
      details: { algorithm, keyType: String(keyType) },
    })
  }
  try {
    return verify(hash, data, { key: publicKey, ...options }, signature)
  } catch {
    // OpenSSL rejects some malformed signature encodings by throwing; that is a bad signature.
    return false
  }
}

function pssParametersOf(algorithm: AlgorithmIdentifier): { hash: string; saltLength: number } {
  if (!algorithm.parameters)
    throw new CmsError('ERR_CMS_MALFORMED', 'RSASSA-PSS parameters missing')
  const params = parseParameters(algorithm.parameters, RsaSaPssParams, 'RSASSA-PSS parameters')
  const hash = digestNames[params.hashAlgorithm.algorithm]
  const mgfHash = params.maskGenAlgorithm.parameters
    ? digestNames[
        parseParameters(params.maskGenAlgorithm.parameters, AlgorithmIdentifier, 'MGF1 hash')
          .algorithm
      ]
    : undefined
  if (
    !hash ||
    mgfHash !== hash ||
    params.maskGenAlgorithm.algorithm !== oid.mgf1 ||
    params.trailerField !== 1
  ) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'RSASSA-PSS parameters not supported')
  }
  return { hash, saltLength: params.saltLength }
}
