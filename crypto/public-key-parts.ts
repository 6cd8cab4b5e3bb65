import { createPublicKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { oid } from './cms-oids.ts'
import {
  childrenOf,
  derAlgorithmIdentifier,
  derPrimitiveBytes,
  derSequence,
  readTlv,
} from './cms-tlv.ts'
import { KeyError } from './errors.ts'

/**
 * Public keys rebuilt from the parts a hardware token shows of a key it never exports
 * (PKCS#11 v2.40 §2.1.2, §2.3.3: CKA_MODULUS / CKA_PUBLIC_EXPONENT, CKA_EC_PARAMS / CKA_EC_POINT),
 * so the key can be matched against its certificate and its type and size are known.
 */
export function rsaPublicKeyOf(modulus: Buffer, publicExponent: Buffer): KeyObject {
  try {
    return createPublicKey({
      key: {
        kty: 'RSA',
        n: modulus.toString('base64url'),
        e: publicExponent.toString('base64url'),
      },
      format: 'jwk',
    })
  } catch (cause) {
    throw new KeyError('ERR_KEY_MALFORMED', 'the token shows no usable RSA public key', { cause })
  }
}

/**
 * `ecParameters` is the DER of the curve's OID (namedCurve); `point` the uncompressed point,
 * either raw or — as PKCS#11 prescribes and most tokens give it — wrapped in an OCTET STRING.
 */
export function ecPublicKeyOf(ecParameters: Buffer, point: Buffer): KeyObject {
  const candidates = [unwrapOctetString(point), point].filter(
    (candidate): candidate is Buffer => candidate !== undefined,
  )
  for (const candidate of candidates) {
    const spki = derSequence([
      derAlgorithmIdentifier(oid.ecPublicKey, ecParameters),
      derPrimitiveBytes(0x03, Buffer.concat([Buffer.from([0]), candidate])),
    ])
    try {
      return createPublicKey({ key: spki, format: 'der', type: 'spki' })
    } catch {
      // Not this reading of the point; the next candidate, or the error below.
    }
  }
  throw new KeyError('ERR_KEY_MALFORMED', 'the token shows no usable EC public key')
}

/**
 * The EC point of a public key (0x04 || x || y, as Node exports it), as ECDH peers exchange it:
 * the BIT STRING of its SubjectPublicKeyInfo without the unused-bits octet (works for every
 * curve, where JWK knows only the NIST ones).
 */
export function ecPointOf(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'ec') {
    throw new KeyError('ERR_KEY_UNSUPPORTED', 'not an EC public key')
  }
  const spki = publicKey.export({ type: 'spki', format: 'der' })
  const [, bits] = childrenOf(spki, readTlv(spki, 0))
  if (bits?.tag !== 0x03) throw new KeyError('ERR_KEY_MALFORMED', 'SPKI without a public key')
  return Buffer.from(spki.subarray(bits.contentStart + 1, bits.contentEnd))
}

function unwrapOctetString(bytes: Buffer): Buffer | undefined {
  if (bytes[0] !== 0x04 || bytes.length < 2) return undefined
  const first = bytes[1] as number
  if (first < 0x80) return bytes.length === first + 2 ? bytes.subarray(2) : undefined
  if (first === 0x81 && bytes.length === (bytes[2] as number) + 3) return bytes.subarray(3)
  return undefined
}
