import { KeyObject } from 'node:crypto'
import { createNodeKeyOperations } from './node-key-operations.ts'

/** RSA signature schemes (RFC 8551 §2.2); EC keys always sign ECDSA. */
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss'

/** The OAEP hash of an RSAES-OAEP key transport (label and MGF1 use the same one). */
export type OaepHash = 'sha1' | 'sha256' | 'sha384' | 'sha512'

/** How an RSA key-transport RecipientInfo wrapped the content-encryption key. */
export type KeyTransportScheme = { scheme: 'rsa-pkcs1' } | { scheme: 'rsa-oaep'; hash: OaepHash }

/**
 * What CMS signing and decryption need from a private key, without ever holding its bytes: an
 * agency key may live in a file (a Node `KeyObject`, {@link createNodeKeyOperations}) or in a
 * hardware token that signs and decrypts on the caller's behalf (gateway/crypto/pkcs11-*.ts).
 * All operations are synchronous, like the CMS code around them.
 */
export interface PrivateKeyOperations {
  /** The matching public key: key type, curve or modulus length, and the certificate check. */
  readonly publicKey: KeyObject
  /**
   * Signs `data` with SHA-256. RSA: PKCS#1 v1.5 or RSASSA-PSS (salt length 32, MGF1-SHA-256);
   * EC: ECDSA, returned DER-encoded (`Ecdsa-Sig-Value`, RFC 5753 §2.1.1), as CMS carries it.
   */
  sign(scheme: SignatureScheme, data: Buffer): Buffer
  /**
   * Recovers a content-encryption key of `expectedLength` bytes. For PKCS#1 v1.5 a padding
   * failure must not throw: it yields random bytes of that length (RFC 3218 §2.3.2), so the
   * failure only shows at content decryption (no Bleichenbacher oracle). OAEP failures throw.
   */
  decryptKeyTransport(
    transport: KeyTransportScheme,
    encryptedKey: Buffer,
    expectedLength: number,
  ): Buffer
  /** The raw ECDH shared secret Z (SEC 1 §3.3.1) with the peer's public key on our curve. */
  deriveEcdh(peer: KeyObject): Buffer
}

/** A private key as the CMS functions take it: a native key object or operations on one. */
export type PrivateKey = KeyObject | PrivateKeyOperations

/** The operations of a private key; a `KeyObject` gets Node's native implementation. */
export function keyOperationsOf(key: PrivateKey): PrivateKeyOperations {
  return key instanceof KeyObject ? createNodeKeyOperations(key) : key
}
