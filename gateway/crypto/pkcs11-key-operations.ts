import { createHash, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import pkcs11js from 'pkcs11js'
import { ecdsaRawToDer } from '../../crypto/ecdsa-signature.ts'
import { CmsError, KeyError } from '../../crypto/errors.ts'
import { pssSaltLength } from '../../crypto/node-key-operations.ts'
import type {
  OaepHash,
  PrivateKeyOperations,
  SignatureScheme,
} from '../../crypto/private-key-operations.ts'
import { ecPointOf } from '../../crypto/public-key-parts.ts'
import { oaepDecode } from '../../crypto/rsa-padding.ts'
import { resultCodeOf, type TokenSession } from './pkcs11-session.ts'

/** PKCS#11 hash mechanism and MGF1 variant of each OAEP hash (PKCS#11 v2.40 §2.1.8). */
const oaepParameters: Readonly<Record<OaepHash, { hashAlg: number; mgf: number }>> = {
  sha1: { hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1 },
  sha256: { hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256 },
  sha384: { hashAlg: pkcs11js.CKM_SHA384, mgf: pkcs11js.CKG_MGF1_SHA384 },
  sha512: { hashAlg: pkcs11js.CKM_SHA512, mgf: pkcs11js.CKG_MGF1_SHA512 },
}

/** CKZ_DATA_SPECIFIED (PKCS#11 v2.40 §2.1.8); pkcs11js does not export it. */
const ckzDataSpecified = 1

/** What a token says when it does not offer OAEP with these parameters (SoftHSM: SHA-1 only). */
const oaepParametersRefused = new Set([
  'CKR_ARGUMENTS_BAD',
  'CKR_MECHANISM_PARAM_INVALID',
  'CKR_MECHANISM_INVALID',
])

/**
 * Result codes that are the token's trouble, not the message's: they surface as ERR_KEY_TOKEN,
 * never as "bad data". None of them depends on the ciphertext, so they are no padding oracle.
 */
const tokenTrouble = new Set([
  'CKR_DEVICE_ERROR',
  'CKR_DEVICE_MEMORY',
  'CKR_DEVICE_REMOVED',
  'CKR_HOST_MEMORY',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
])

/**
 * Sign, decrypt and derive through a key the token holds (PKCS#11 v2.40): CKM_SHA256_RSA_PKCS or
 * CKM_SHA256_RSA_PKCS_PSS for RSA signatures, CKM_ECDSA over the SHA-256 digest for EC (r || s
 * turned into DER), CKM_RSA_PKCS and CKM_RSA_PKCS_OAEP for key transport, CKM_ECDH1_DERIVE for
 * key agreement. The key's bytes are never requested.
 */
export function createPkcs11KeyOperations(input: {
  session: TokenSession
  label: string
  publicKey: KeyObject
}): PrivateKeyOperations {
  const { session, label, publicKey } = input
  const module = session.module
  const isRsa = publicKey.asymmetricKeyType === 'rsa'
  const modulusBytes = Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
  // Hashes for which this token refused native OAEP: decrypted raw and decoded here instead.
  const oaepDecodedHere = new Set<OaepHash>()

  const call = <T>(operation: (session: Buffer, key: Buffer) => T): T => {
    try {
      return session.run(label, operation)
    } catch (error) {
      if (tokenTrouble.has(resultCodeOf(error) ?? '') || error instanceof KeyError) {
        throw new KeyError('ERR_KEY_TOKEN', 'the token did not carry out the operation', {
          cause: error,
          details: { label, result: resultCodeOf(error) ?? null },
        })
      }
      throw error
    }
  }
  const decryptRaw = (mechanism: pkcs11js.Mechanism, data: Buffer): Buffer =>
    call((handle, key) => {
      module.C_DecryptInit(handle, mechanism, key)
      return Buffer.from(module.C_Decrypt(handle, data, Buffer.alloc(modulusBytes + 16)))
    })

  return {
    publicKey,
    sign(scheme: SignatureScheme, data: Buffer): Buffer {
      if (!isRsa) {
        const digest = createHash('sha256').update(data).digest()
        const raw = call((handle, key) => {
          module.C_SignInit(handle, { mechanism: pkcs11js.CKM_ECDSA }, key)
          return Buffer.from(module.C_Sign(handle, digest, Buffer.alloc(160)))
        })
        return ecdsaRawToDer(raw)
      }
      const pss: pkcs11js.RsaPSS = {
        type: pkcs11js.CK_PARAMS_RSA_PSS,
        hashAlg: pkcs11js.CKM_SHA256,
        mgf: pkcs11js.CKG_MGF1_SHA256,
        saltLen: pssSaltLength,
      }
      const mechanism: pkcs11js.Mechanism =
        scheme === 'rsa-pss'
          ? { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS, parameter: pss }
          : { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }
      return call((handle, key) => {
        module.C_SignInit(handle, mechanism, key)
        return Buffer.from(module.C_Sign(handle, data, Buffer.alloc(modulusBytes)))
      })
    },
    decryptKeyTransport(transport, encryptedKey, expectedLength) {
      if (!isRsa) throw decryptFailure()
      if (transport.scheme === 'rsa-pkcs1') {
        // The token checks the padding; a refusal becomes a random key, like a wrong one in
        // memory does (RFC 3218 §2.3.2), so the caller cannot tell padding from content failure.
        try {
          const key = decryptRaw({ mechanism: pkcs11js.CKM_RSA_PKCS }, encryptedKey)
          return key.length === expectedLength ? key : randomBytes(expectedLength)
        } catch (error) {
          if (error instanceof KeyError) throw error
          return randomBytes(expectedLength)
        }
      }
      if (!oaepDecodedHere.has(transport.hash)) {
        try {
          return decryptRaw(
            {
              mechanism: pkcs11js.CKM_RSA_PKCS_OAEP,
              parameter: {
                type: pkcs11js.CK_PARAMS_RSA_OAEP,
                ...oaepParameters[transport.hash],
                source: ckzDataSpecified,
              } as pkcs11js.RsaOAEP,
            },
            encryptedKey,
          )
        } catch (error) {
          if (!oaepParametersRefused.has(resultCodeOf(error) ?? '')) throw error
          oaepDecodedHere.add(transport.hash)
        }
      }
      // Raw RSA inside the token, EME-OAEP decoding outside: the private key still never leaves.
      const block = decryptRaw({ mechanism: pkcs11js.CKM_RSA_X_509 }, encryptedKey)
      const padded = Buffer.concat([Buffer.alloc(Math.max(0, modulusBytes - block.length)), block])
      const key = oaepDecode(padded, transport.hash)
      if (!key) throw decryptFailure()
      return key
    },
    deriveEcdh(peer: KeyObject): Buffer {
      const point = ecPointOf(peer)
      const secretLength = (point.length - 1) / 2
      return call((handle, key) => {
        const derived = module.C_DeriveKey(
          handle,
          {
            mechanism: pkcs11js.CKM_ECDH1_DERIVE,
            parameter: {
              type: pkcs11js.CK_PARAMS_EC_DH,
              kdf: pkcs11js.CKD_NULL,
              publicData: point,
            } as pkcs11js.ECDH1,
          },
          key,
          [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
            { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_GENERIC_SECRET },
            // A session object that may be read: Z is per message (ephemeral-static ECDH), and
            // the KDF and key unwrap run here, as they do for a key in memory.
            { type: pkcs11js.CKA_TOKEN, value: false },
            { type: pkcs11js.CKA_SENSITIVE, value: false },
            { type: pkcs11js.CKA_EXTRACTABLE, value: true },
            { type: pkcs11js.CKA_VALUE_LEN, value: secretLength },
          ],
        )
        try {
          const value = module.C_GetAttributeValue(handle, derived, [
            { type: pkcs11js.CKA_VALUE },
          ])[0]?.value
          if (!value) throw decryptFailure()
          return Buffer.from(value)
        } finally {
          module.C_DestroyObject(handle, derived)
        }
      })
    },
  }
}

function decryptFailure(): CmsError {
  return new CmsError('ERR_CMS_DECRYPT', 'the message could not be decrypted')
}
