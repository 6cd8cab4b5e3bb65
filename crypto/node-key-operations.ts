import { constants, createPublicKey, diffieHellman, privateDecrypt, sign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { CmsError } from './errors.ts'
import type { PrivateKeyOperations } from './private-key-operations.ts'
import { pkcs1KeyOrRandom } from './rsa-padding.ts'

/** Salt length we write for PSS: the hash length (RFC 4056 §3 recommends it). */
export const pssSaltLength = 32

/**
 * One operations object per key object: the agency key recurs on every message, and its public
 * key (an SPKI export, dearer than the rest of a SignerInfo) is derived once.
 */
const operationsByKey = new WeakMap<KeyObject, PrivateKeyOperations>()

/** The default key source: a private key in memory (file or key store), used by native crypto. */
export function createNodeKeyOperations(key: KeyObject): PrivateKeyOperations {
  const known = operationsByKey.get(key)
  if (known) return known
  if (key.type !== 'private') {
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'the key must be a private key')
  }
  let publicKey: KeyObject | undefined
  const operations: PrivateKeyOperations = {
    get publicKey() {
      publicKey ??= createPublicKey(key)
      return publicKey
    },
    sign(scheme, data) {
      if (key.asymmetricKeyType === 'rsa' && scheme === 'rsa-pss') {
        return sign('sha256', data, {
          key,
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: pssSaltLength,
        })
      }
      return sign('sha256', data, key)
    },
    decryptKeyTransport(transport, encryptedKey, expectedLength) {
      if (transport.scheme === 'rsa-oaep') {
        try {
          return privateDecrypt(
            { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: transport.hash },
            encryptedKey,
          )
        } catch {
          throw new CmsError('ERR_CMS_DECRYPT', 'the message could not be decrypted')
        }
      }
      // Node refuses PKCS#1 v1.5 private decryption (CVE-2023-46809), hence raw RSA and the
      // padding check in constant time here.
      const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
      if (encryptedKey.length !== modulusBytes)
        return pkcs1KeyOrRandom(Buffer.alloc(0), expectedLength)
      let block: Buffer
      try {
        block = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, encryptedKey)
      } catch {
        block = Buffer.alloc(0)
      }
      return pkcs1KeyOrRandom(block, expectedLength)
    },
    deriveEcdh(peer) {
      return diffieHellman({ privateKey: key, publicKey: peer })
    },
  }
  operationsByKey.set(key, operations)
  return operations
}
