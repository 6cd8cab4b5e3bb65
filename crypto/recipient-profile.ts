import type { ContentEncryption } from './cms-content-cipher.ts'
import type { RsaKeyTransport } from './cms-key-transport.ts'

/**
 * Per-agency choice of algorithms (docs/design.md §3.4): `modern` (default) is AES-256-GCM in
 * AuthEnvelopedData (RFC 5083/5084) with RSA-OAEP (RFC 3560) or ECDH (RFC 5753); `compatible`
 * is AES-256-CBC in EnvelopedData with RSA PKCS#1 v1.5, for older clients such as gpgsm 2.2.
 */
export const recipientProfiles = ['modern', 'compatible'] as const

export type RecipientProfile = (typeof recipientProfiles)[number]

/** The algorithms one profile stands for. EC recipients always use ECDH, whatever the profile. */
export interface ProfileAlgorithms {
  contentEncryption: ContentEncryption
  rsaKeyTransport: RsaKeyTransport
}

const algorithms: Readonly<Record<RecipientProfile, ProfileAlgorithms>> = {
  modern: { contentEncryption: 'aes-256-gcm', rsaKeyTransport: 'rsa-oaep' },
  compatible: { contentEncryption: 'aes-256-cbc', rsaKeyTransport: 'rsa-pkcs1' },
}

/** The algorithms of a profile. */
export function algorithmsOf(profile: RecipientProfile): ProfileAlgorithms {
  return algorithms[profile]
}

/**
 * One message has one content cipher for all its recipients (RFC 5652 §6.1), so it is the one
 * every recipient can read: AES-256-CBC as soon as one recipient is `compatible`. Key transport
 * stays per recipient.
 */
export function contentEncryptionFor(profiles: readonly RecipientProfile[]): ContentEncryption {
  return profiles.includes('compatible') ? 'aes-256-cbc' : 'aes-256-gcm'
}
