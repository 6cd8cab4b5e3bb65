import { generateKeyPair as generateNodeKeyPair } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { CertificateError } from './errors.ts'

const generate = promisify(generateNodeKeyPair)

/** Key algorithms Brücke issues and accepts for S/MIME (RFC 8550 §4.3; brainpool per RFC 5639). */
export type KeyAlgorithmName =
  'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ec-p256' | 'ec-brainpoolP256r1'

/** The family of a key as far as certificate profiles care: RSA or elliptic curve. */
export type KeyFamily = 'rsa' | 'ec'

/** A native key pair. */
export interface KeyPair {
  publicKey: KeyObject
  privateKey: KeyObject
}

/** Generates a key pair with Node's native crypto (OpenSSL), off the main thread. */
export async function generateKeyPair(algorithm: KeyAlgorithmName): Promise<KeyPair> {
  switch (algorithm) {
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return generate('rsa', {
        modulusLength: Number(algorithm.slice(4)),
        publicExponent: 0x10001,
      })
    case 'ec-p256':
      return generate('ec', { namedCurve: 'prime256v1' })
    case 'ec-brainpoolP256r1':
      return generate('ec', { namedCurve: 'brainpoolP256r1' })
  }
}

/** Classifies a key; anything but RSA (PKCS#1 v1.5 type) or EC is rejected with ERR_CERT_UNSUPPORTED_KEY. */
export function keyFamilyOf(key: KeyObject): KeyFamily {
  const type = key.asymmetricKeyType
  if (type === 'rsa' || type === 'ec') return type
  throw new CertificateError('ERR_CERT_UNSUPPORTED_KEY', `unsupported key type ${String(type)}`, {
    details: { keyType: String(type) },
  })
}
