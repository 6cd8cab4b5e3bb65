import { createPrivateKey, hkdfSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { KeyError } from './errors.ts'

/** HKDF info string: changing it (v2) re-keys every stored key. */
const keyAtRestInfo = 'brucke key-at-rest v1'
const minimumMasterKeyBytes = 32

/**
 * Seals and opens private keys at rest (docs/design.md §3.4, §6). A key is stored as an encrypted
 * PKCS#8 PEM (RFC 5958 EncryptedPrivateKeyInfo, PBES2 with AES-256-CBC, RFC 8018); the
 * passphrase is derived by HKDF-SHA256 (RFC 5869) from the master secret, so the database
 * never holds a key in clear and a copy of the database alone opens nothing.
 */
export interface KeyStore {
  /** Encrypts a private key for storage; returns `-----BEGIN ENCRYPTED PRIVATE KEY-----` PEM. */
  seal(privateKey: KeyObject): string
  /** Opens a sealed key; a different master key raises ERR_KEY_WRONG_MASTER_KEY, never garbage. */
  open(sealed: string): KeyObject
}

/** Creates the key store for a master secret of at least 32 bytes. */
export function createKeyStore(masterKey: Uint8Array): KeyStore {
  if (masterKey.byteLength < minimumMasterKeyBytes) {
    throw new KeyError('ERR_KEY_WEAK_MASTER_KEY', 'master key must be at least 32 bytes', {
      details: { bytes: masterKey.byteLength },
    })
  }
  // Salt-less HKDF is fine here: the master key is uniformly random; PBES2 salts every key.
  const passphrase = Buffer.from(
    hkdfSync('sha256', masterKey, Buffer.alloc(0), keyAtRestInfo, 32),
  ).toString('base64')

  return {
    seal(privateKey) {
      if (privateKey.type !== 'private') {
        throw new KeyError('ERR_KEY_UNSUPPORTED', 'only private keys are sealed')
      }
      return privateKey
        .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase })
        .toString()
    },
    open(sealed) {
      if (!sealed.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
        throw new KeyError('ERR_KEY_MALFORMED', 'stored key is not an encrypted PKCS#8 PEM')
      }
      try {
        return createPrivateKey({ key: sealed, format: 'pem', passphrase })
      } catch (cause) {
        // AES-CBC with a wrong key fails the padding check or yields bytes that are no PKCS#8;
        // OpenSSL reports both as a decoding failure, so both mean "not this master key".
        throw new KeyError('ERR_KEY_WRONG_MASTER_KEY', 'the master key does not open this key', {
          cause,
        })
      }
    },
  }
}
