import { constants, publicEncrypt } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { RsaEsOaepParams } from '@peculiar/asn1-rsa'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { BoundedCache } from './bounded-cache.ts'
import { encodeDer, parseParameters } from './cms-der.ts'
import { oid } from './cms-oids.ts'
import { CmsError, KeyError } from './errors.ts'
import type { OaepHash, PrivateKeyOperations } from './private-key-operations.ts'

/** RSA key-transport schemes (RFC 8551 §2.3; RSA-OAEP per RFC 3560, PKCS#1 v1.5 per RFC 8017 §7.2). */
export type RsaKeyTransport = 'rsa-oaep' | 'rsa-pkcs1'

const oaepHashes: Readonly<Record<string, OaepHash>> = {
  [oid.sha1]: 'sha1',
  [oid.sha256]: 'sha256',
  [oid.sha384]: 'sha384',
  [oid.sha512]: 'sha512',
}

/** RSAES-OAEP with SHA-256 and MGF1-SHA-256 (RFC 4055 §4.1), the parameters we write. */
function oaepSha256Algorithm(): AlgorithmIdentifier {
  const sha256 = new AlgorithmIdentifier({ algorithm: oid.sha256 })
  const params = new RsaEsOaepParams({
    hashAlgorithm: sha256,
    maskGenAlgorithm: new AlgorithmIdentifier({
      algorithm: oid.mgf1,
      parameters: AsnConvert.serialize(sha256),
    }),
  })
  return new AlgorithmIdentifier({
    algorithm: oid.rsaesOaep,
    parameters: AsnConvert.serialize(params),
  })
}

// The written key-encryption AlgorithmIdentifiers never change: encoded once, not per message
// (the schema serialiser costs a quarter of a millisecond, more than the RSA-OAEP itself).
const oaepSha256AlgorithmDer = encodeDer(oaepSha256Algorithm())
const rsaPkcs1AlgorithmDer = encodeDer(
  new AlgorithmIdentifier({ algorithm: oid.rsaEncryption, parameters: null }),
)

/** Encrypts the content-encryption key to an RSA public key; the algorithm comes as DER. */
export function encryptKeyRsa(
  cek: Buffer,
  publicKey: KeyObject,
  scheme: RsaKeyTransport,
): { algorithmDer: Buffer; encryptedKey: Buffer } {
  if (scheme === 'rsa-oaep') {
    const encryptedKey = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' },
      cek,
    )
    return { algorithmDer: oaepSha256AlgorithmDer, encryptedKey }
  }
  const encryptedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, cek)
  return { algorithmDer: rsaPkcs1AlgorithmDer, encryptedKey }
}

/**
 * Recovers the content-encryption key through the key's operations (in memory or in a token).
 * OAEP failures are ERR_CMS_DECRYPT. For PKCS#1 v1.5 a padding failure does not throw: the
 * operations yield a random key of the expected length (RFC 3218 §2.3.2), so the failure only
 * surfaces at content decryption, as the same ERR_CMS_DECRYPT (no Bleichenbacher oracle).
 */
export function decryptKeyRsa(input: {
  algorithm: AlgorithmIdentifier
  encryptedKey: Buffer
  privateKey: PrivateKeyOperations
  expectedKeyLength: number
}): Buffer {
  const { algorithm, encryptedKey, privateKey, expectedKeyLength } = input
  if (privateKey.publicKey.asymmetricKeyType !== 'rsa') throw decryptFailure()
  if (algorithm.algorithm === oid.rsaEncryption) {
    return privateKey.decryptKeyTransport({ scheme: 'rsa-pkcs1' }, encryptedKey, expectedKeyLength)
  }
  if (algorithm.algorithm !== oid.rsaesOaep) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'key-transport algorithm not supported', {
      details: { algorithm: algorithm.algorithm },
    })
  }
  const hash = oaepHashOf(algorithm)
  try {
    return privateKey.decryptKeyTransport(
      { scheme: 'rsa-oaep', hash },
      encryptedKey,
      expectedKeyLength,
    )
  } catch (error) {
    // A token that cannot be reached is the operator's problem, not a bad message.
    if (error instanceof KeyError) throw error
    throw decryptFailure()
  }
}

/** The OAEP hash; absent parameters mean SHA-1 everywhere (RFC 3560 §2.2). */
function oaepHashOf(algorithm: AlgorithmIdentifier): OaepHash {
  if (!algorithm.parameters) return 'sha1'
  const parameters = algorithm.parameters
  // Every message from one peer carries the same parameter bytes; the answer depends on them only.
  return oaepHashByParameters.getOrCompute(Buffer.from(parameters).toString('latin1'), () =>
    oaepHashOfParameters(parameters),
  )
}

const oaepHashByParameters = new BoundedCache<string, OaepHash>(32)

function oaepHashOfParameters(parameters: ArrayBuffer): OaepHash {
  const params = parseParameters(parameters, RsaEsOaepParams, 'RSAES-OAEP parameters')
  const hash = oaepHashes[params.hashAlgorithm.algorithm]
  const mgfHash = params.maskGenAlgorithm.parameters
    ? oaepHashes[
        parseParameters(params.maskGenAlgorithm.parameters, AlgorithmIdentifier, 'MGF1 hash')
          .algorithm
      ]
    : 'sha1'
  // Node's OAEP uses one hash for both the label and MGF1; mixed hashes cannot be decrypted.
  if (
    !hash ||
    hash !== mgfHash ||
    params.maskGenAlgorithm.algorithm !== oid.mgf1 ||
    !hasEmptyLabel(params)
  ) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'RSAES-OAEP parameters not supported')
  }
  return hash
}

/**
 * True when the OAEP label is empty: pSpecified with an empty OCTET STRING, or the DEFAULT that
 * the schema library fills in for an omitted field (its value differs, so compare with it).
 */
function hasEmptyLabel(params: RsaEsOaepParams): boolean {
  const source = params.pSourceAlgorithm
  if (source.algorithm !== oid.pSpecified) return false
  const encoded = source.parameters ? Buffer.from(source.parameters) : undefined
  const libraryDefault = new RsaEsOaepParams().pSourceAlgorithm.parameters
  return (
    encoded === undefined ||
    encoded.equals(Buffer.from([0x04, 0x00])) ||
    (libraryDefault !== undefined &&
      libraryDefault !== null &&
      encoded.equals(Buffer.from(libraryDefault)))
  )
}

function decryptFailure(): CmsError {
  return new CmsError('ERR_CMS_DECRYPT', 'the message could not be decrypted')
}
