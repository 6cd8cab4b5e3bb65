import {
  createCipheriv,
  createDecipheriv,
  createECDH,
  createHash,
  createPublicKey,
} from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { KeyAgreeRecipientInfo } from '@peculiar/asn1-cms'
import { ECParameters } from '@peculiar/asn1-ecc'
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509'
import type { CmsCertificate } from './cms-certificate.ts'
import { toExactArrayBuffer } from './cms-content-cipher.ts'
import { asBuffer, encodeDer, parseParameters } from './cms-der.ts'
import { curveOids, oid } from './cms-oids.ts'
import {
  derAlgorithmIdentifier,
  derPrimitiveBytes,
  derSequence,
  derSmallInteger,
  encodeDerTree,
} from './cms-tlv.ts'
import { CmsError, KeyError } from './errors.ts'
import type { PrivateKeyOperations } from './private-key-operations.ts'

/** KDF hash of each dhSinglePass scheme (RFC 5753 §7.1.4, SEC 1 §C.4); cofactor = standard for h = 1. */
const kdfHashes: Readonly<Record<string, string>> = {
  [oid.dhSinglePassStdDhSha1Kdf]: 'sha1',
  [oid.dhSinglePassCofactorDhSha1Kdf]: 'sha1',
  [oid.dhSinglePassStdDhSha224Kdf]: 'sha224',
  [oid.dhSinglePassStdDhSha256Kdf]: 'sha256',
  [oid.dhSinglePassStdDhSha384Kdf]: 'sha384',
  [oid.dhSinglePassStdDhSha512Kdf]: 'sha512',
  [oid.dhSinglePassCofactorDhSha256Kdf]: 'sha256',
  [oid.dhSinglePassCofactorDhSha384Kdf]: 'sha384',
  [oid.dhSinglePassCofactorDhSha512Kdf]: 'sha512',
}

const wrapAlgorithms: Readonly<Record<string, { keyLength: number; nodeName: string }>> = {
  [oid.aes128Wrap]: { keyLength: 16, nodeName: 'id-aes128-wrap' },
  [oid.aes192Wrap]: { keyLength: 24, nodeName: 'id-aes192-wrap' },
  [oid.aes256Wrap]: { keyLength: 32, nodeName: 'id-aes256-wrap' },
}

/** Default initial value of the AES key wrap (RFC 3394 §2.2.3.1). */
const keyWrapIv = Buffer.from('A6A6A6A6A6A6A6A6', 'hex')

/** Curves whose cofactor is 1 — the only ones accepted, so cofactor DH equals standard DH. */
const acceptedCurves = new Set(Object.keys(curveOids))

/**
 * ANSI X9.63 KDF (SEC 1 §3.6.1): K = Hash(Z || counter || SharedInfo) || …, truncated.
 */
export function x963Kdf(hash: string, secret: Buffer, sharedInfo: Buffer, length: number): Buffer {
  const blocks: Buffer[] = []
  let produced = 0
  for (let counter = 1; produced < length; counter += 1) {
    const counterBytes = Buffer.alloc(4)
    counterBytes.writeUInt32BE(counter)
    const block = createHash(hash).update(secret).update(counterBytes).update(sharedInfo).digest()
    blocks.push(block)
    produced += block.length
  }
  return Buffer.concat(blocks).subarray(0, length)
}

/**
 * DER of `ECC-CMS-SharedInfo ::= SEQUENCE { keyInfo AlgorithmIdentifier, entityUInfo [0] EXPLICIT
 * OCTET STRING OPTIONAL, suppPubInfo [2] EXPLICIT OCTET STRING }` (RFC 5753 §7.2), written by
 * hand: it is built for every message and the schema serialiser would cost more than the ECDH.
 */
function sharedInfoFor(wrapOid: string, keyLength: number, ukm: Buffer | undefined): Buffer {
  const suppPubInfo = Buffer.alloc(4)
  suppPubInfo.writeUInt32BE(keyLength * 8)
  return derSequence([
    derAlgorithmIdentifier(wrapOid),
    ...(ukm ? [encodeDerTree({ tag: 0xa0, children: [derPrimitiveBytes(0x04, ukm)] })] : []),
    encodeDerTree({ tag: 0xa2, children: [derPrimitiveBytes(0x04, suppPubInfo)] }),
  ])
}

/** Curve name of an EC key, when it is one Brücke accepts. */
function curveOf(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve
  if (key.asymmetricKeyType !== 'ec' || !curve || !acceptedCurves.has(curve)) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'EC curve not supported for key agreement', {
      details: { curve: curve ?? null },
    })
  }
  return curve
}

/** `AlgorithmIdentifier { id-ecPublicKey }` of the ephemeral originator key, parameters absent. */
const originatorAlgorithmDer = derAlgorithmIdentifier(oid.ecPublicKey)

/** `dhSinglePass-stdDH-sha256kdf-scheme` with `id-aes256-wrap` (parameters absent, RFC 3565). */
const keyEncryptionAlgorithmDer = derAlgorithmIdentifier(
  oid.dhSinglePassStdDhSha256Kdf,
  derAlgorithmIdentifier(oid.aes256Wrap),
)

/**
 * Builds the RecipientInfo for one EC recipient — `kari [1] KeyAgreeRecipientInfo` (RFC 5652
 * §6.2.2, implicit tags), as DER: ephemeral-static ECDH on the recipient's curve,
 * dhSinglePass-stdDH-sha256kdf-scheme with AES-256 key wrap (RFC 5753 §3.1.1, RFC 8551 §2.3).
 */
export function encryptKeyEcdh(cek: Buffer, recipient: CmsCertificate): Buffer {
  const curve = curveOf(recipient.publicKey)
  const recipientPoint = asBuffer(
    recipient.asn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey,
  )
  const ephemeral = createECDH(curve)
  ephemeral.generateKeys()
  const secret = ephemeral.computeSecret(recipientPoint)
  const kek = x963Kdf('sha256', secret, sharedInfoFor(oid.aes256Wrap, 32, undefined), 32)
  const wrap = createCipheriv('id-aes256-wrap', kek, keyWrapIv)
  const encryptedKey = Buffer.concat([wrap.update(cek), wrap.final()])
  // BIT STRING with no unused bits: a leading 0x00, then the uncompressed point.
  const publicKeyBits = derPrimitiveBytes(
    0x03,
    Buffer.concat([Buffer.from([0x00]), ephemeral.getPublicKey()]),
  )
  return encodeDerTree({
    tag: 0xa1, // kari [1], implicit
    children: [
      derSmallInteger(3),
      // originator [0] EXPLICIT OriginatorIdentifierOrKey → originatorKey [1] (implicit).
      { tag: 0xa0, children: [{ tag: 0xa1, children: [originatorAlgorithmDer, publicKeyBits] }] },
      keyEncryptionAlgorithmDer,
      // RecipientEncryptedKeys: one RecipientEncryptedKey { rid issuerAndSerialNumber, encryptedKey }.
      derSequence([
        derSequence([recipient.issuerAndSerialDer, derPrimitiveBytes(0x04, encryptedKey)]),
      ]),
    ],
  })
}

/**
 * Recovers the content-encryption key from a KeyAgreeRecipientInfo with our static EC key
 * (RFC 5753 §3.1.2). Unsupported schemes are ERR_CMS_UNSUPPORTED; any failure to unwrap is
 * ERR_CMS_DECRYPT.
 */
export function decryptKeyEcdh(input: {
  kari: KeyAgreeRecipientInfo
  encryptedKey: Buffer
  privateKey: PrivateKeyOperations
}): Buffer {
  const { kari, encryptedKey, privateKey } = input
  const kdfHash = kdfHashes[kari.keyEncryptionAlgorithm.algorithm]
  if (!kdfHash || !kari.keyEncryptionAlgorithm.parameters) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'key-agreement algorithm not supported', {
      details: { algorithm: kari.keyEncryptionAlgorithm.algorithm },
    })
  }
  const wrapAlgorithm = parseParameters(
    kari.keyEncryptionAlgorithm.parameters,
    AlgorithmIdentifier,
    'key-wrap algorithm',
  )
  const wrap = wrapAlgorithms[wrapAlgorithm.algorithm]
  if (!wrap) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'key-wrap algorithm not supported', {
      details: { algorithm: wrapAlgorithm.algorithm },
    })
  }
  const originatorKey = kari.originator.originatorKey
  if (!originatorKey || originatorKey.algorithm.algorithm !== oid.ecPublicKey) {
    throw new CmsError('ERR_CMS_UNSUPPORTED', 'originator must be an ephemeral EC public key')
  }
  const curve = curveOf(privateKey.publicKey)
  try {
    const spki = new SubjectPublicKeyInfo({
      algorithm: new AlgorithmIdentifier({
        algorithm: oid.ecPublicKey,
        parameters: toExactArrayBuffer(
          encodeDer(new ECParameters({ namedCurve: curveOids[curve] ?? '' })),
        ),
      }),
      subjectPublicKey: originatorKey.publicKey,
    })
    const originatorPublic = createPublicKey({ key: encodeDer(spki), format: 'der', type: 'spki' })
    // Parsing the point into a key object checks it lies on our curve before any token sees it.
    const secret = privateKey.deriveEcdh(originatorPublic)
    const kek = x963Kdf(
      kdfHash,
      secret,
      sharedInfoFor(
        wrapAlgorithm.algorithm,
        wrap.keyLength,
        kari.ukm ? asBuffer(kari.ukm.buffer) : undefined,
      ),
      wrap.keyLength,
    )
    const unwrap = createDecipheriv(wrap.nodeName, kek, keyWrapIv)
    return Buffer.concat([unwrap.update(encryptedKey), unwrap.final()])
  } catch (error) {
    // A token that cannot be reached is the operator's problem, not a bad message.
    if (error instanceof KeyError) throw error
    throw new CmsError('ERR_CMS_DECRYPT', 'the message could not be decrypted')
  }
}
