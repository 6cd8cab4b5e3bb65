import { constants, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { AsnConvert } from '@peculiar/asn1-schema'
import { RsaEsOaepParams } from '@peculiar/asn1-rsa'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { BoundedCache } from './bounded-cache.ts'
import { encodeDer, parseParameters } from './cms-der.ts'
import { oid } from './cms-oids.ts'
import { CmsError } from './errors.ts'

/** RSA key-transport schemes (RFC 8551 §2.3; RSA-OAEP per RFC 3560, PKCS#1 v1.5 per RFC 8017 §7.2). */
export type RsaKeyTransport = 'rsa-oaep' | 'rsa-pkcs1'

const oaepHashes: Readonly<Record<string, 'sha1' | 'sha256' | 'sha384' | 'sha512'>> = {
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
 * Recovers the content-encryption key. OAEP failures are ERR_CMS_DECRYPT. For PKCS#1 v1.5 a
 * padding failure does not throw: following RFC 3218 §2.3.2 it yields a random key of the
 * expected length, so the failure only surfaces at content decryption, as the same
 * ERR_CMS_DECRYPT (no Bleichenbacher oracle). Node refuses PKCS#1 v1.5 private decryption for
 * that reason (CVE-2023-46809), hence raw RSA and the padding check here.
 */
export function decryptKeyRsa(input: {
  algorithm: AlgorithmIdentifier
  encryptedKey: Buffer
  privateKey: KeyObject
  expectedKeyLength: number
}): Buffer {
  const { algorithm, encryptedKey, privateKey, expectedKeyLength } = input
  if (privateKey.asymmetricKeyType !== 'rsa') throw decryptFailure()
  if (algorithm.algorithm === oid.rsaEncryption) {
    return decryptPkcs1(encryptedKey, privateKey, expectedKeyLength)
  }
  if (algorithm.algorithm !== oid.rsaesOaep) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'key-transport algorithm not supported', {
      details: { algorithm: algorithm.algorithm },
    })
  }
  const oaepHash = oaepHashOf(algorithm)
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash },
      encryptedKey,
    )
  } catch {
    throw decryptFailure()
  }
}

/** The OAEP hash; absent parameters mean SHA-1 everywhere (RFC 3560 §2.2). */
function oaepHashOf(algorithm: AlgorithmIdentifier): string {
  if (!algorithm.parameters) return 'sha1'
  const parameters = algorithm.parameters
  // Every message from one peer carries the same parameter bytes; the answer depends on them only.
  return oaepHashByParameters.getOrCompute(Buffer.from(parameters).toString('latin1'), () =>
    oaepHashOfParameters(parameters),
  )
}

const oaepHashByParameters = new BoundedCache<string, string>(32)

function oaepHashOfParameters(parameters: ArrayBuffer): string {
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

function decryptPkcs1(encryptedKey: Buffer, privateKey: KeyObject, expectedLength: number): Buffer {
  const fallback = randomBytes(expectedLength)
  const modulusBytes = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
  if (encryptedKey.length !== modulusBytes) return fallback
  let block: Buffer
  try {
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey)
  } catch {
    return fallback
  }
  // EM = 0x00 || 0x02 || PS (≥ 8 non-zero octets) || 0x00 || M  (RFC 8017 §7.2.2). The checks
  // below run over the whole block without early exit to keep timing independent of the data.
  const messageStart = block.length - expectedLength
  let good = (block[0] === 0 ? 1 : 0) & (block[1] === 2 ? 1 : 0)
  good &= block[messageStart - 1] === 0 ? 1 : 0
  for (let i = 2; i < messageStart - 1; i += 1) good &= block[i] !== 0 ? 1 : 0
  good &= messageStart - 3 >= 8 ? 1 : 0
  const message = block.subarray(messageStart)
  const result = Buffer.alloc(expectedLength)
  for (let i = 0; i < expectedLength; i += 1) {
    result[i] = good === 1 ? (message[i] as number) : (fallback[i] as number)
  }
  return result
}

function decryptFailure(): CmsError {
  return new CmsError('ERR_CMS_DECRYPT', 'the message could not be decrypted')
}
