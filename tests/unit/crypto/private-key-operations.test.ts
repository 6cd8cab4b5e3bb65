import {
  constants,
  createECDH,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  sign,
  verify,
} from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ecdsaRawToDer } from '../../../crypto/ecdsa-signature.ts'
import { keyOperationsOf } from '../../../crypto/private-key-operations.ts'
import { ecPointOf, ecPublicKeyOf, rsaPublicKeyOf } from '../../../crypto/public-key-parts.ts'
import { oaepDecode, pkcs1KeyOrRandom } from '../../../crypto/rsa-padding.ts'

// The pure pieces a key in a hardware token relies on, checked against Node's own crypto.

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const cek = Buffer.alloc(32, 0x5a)
const rawRsa = (ciphertext: Buffer) =>
  privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_NO_PADDING }, ciphertext)

describe('private key operations', () => {
  it('when r and s have high bits or leading zeros, then the DER signature is what verify accepts', () => {
    // r with its top bit set (needs a 0x00), s with leading zero octets (must be dropped).
    const r = Buffer.alloc(32, 0xff)
    const s = Buffer.concat([Buffer.alloc(3), Buffer.alloc(29, 0x11)])
    const der = ecdsaRawToDer(Buffer.concat([r, s]))
    expect(der.toString('hex')).toBe(`3042022100${'ff'.repeat(32)}021d${'11'.repeat(29)}`)
    // And a real signature: Node's ieee-p1363 output (r || s) turned into DER verifies.
    const data = Buffer.from('probe')
    const operations = keyOperationsOf(ec.privateKey)
    const p1363 = sign('sha256', data, { key: ec.privateKey, dsaEncoding: 'ieee-p1363' })
    expect(verify('sha256', data, ec.publicKey, ecdsaRawToDer(p1363))).toBe(true)
    expect(verify('sha256', data, ec.publicKey, operations.sign('rsa-pkcs1', data))).toBe(true)
  })

  it('when a raw RSA block carries OAEP padding, then it is decoded, and a flipped bit gives nothing', () => {
    for (const hash of ['sha1', 'sha256', 'sha512'] as const) {
      const ciphertext = publicEncrypt(
        { key: rsa.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
        cek,
      )
      expect(oaepDecode(rawRsa(ciphertext), hash)?.equals(cek)).toBe(true)
      const block = rawRsa(ciphertext)
      block[40] = (block[40] as number) ^ 1
      expect(oaepDecode(block, hash)).toBeUndefined()
      expect(oaepDecode(rawRsa(ciphertext), hash === 'sha1' ? 'sha256' : 'sha1')).toBeUndefined()
    }
  })

  it('when a PKCS#1 v1.5 block is well-formed, then its key comes out; otherwise random bytes of the same length', () => {
    const ciphertext = publicEncrypt(
      { key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING },
      cek,
    )
    expect(pkcs1KeyOrRandom(rawRsa(ciphertext), 32).equals(cek)).toBe(true)
    const wrongLength = pkcs1KeyOrRandom(rawRsa(ciphertext), 16)
    expect(wrongLength.length).toBe(16)
    const garbage = pkcs1KeyOrRandom(Buffer.alloc(256, 3), 32)
    expect(garbage.length).toBe(32)
    expect(garbage.equals(Buffer.alloc(32, 3))).toBe(false)
  })

  it('when public parts come from a token, then the rebuilt keys equal the originals', () => {
    const jwk = rsa.publicKey.export({ format: 'jwk' })
    const rebuilt = rsaPublicKeyOf(
      Buffer.from(jwk.n ?? '', 'base64url'),
      Buffer.from(jwk.e ?? '', 'base64url'),
    )
    expect(rebuilt.equals(rsa.publicKey)).toBe(true)
    const point = ecPointOf(ec.publicKey)
    const p256 = Buffer.from('06082a8648ce3d030107', 'hex')
    const wrapped = Buffer.concat([Buffer.from([0x04, point.length]), point])
    expect(ecPublicKeyOf(p256, wrapped).equals(ec.publicKey)).toBe(true)
    expect(ecPublicKeyOf(p256, point).equals(ec.publicKey)).toBe(true)
  })

  it('when the in-memory operations derive ECDH, then Z equals the peer side', () => {
    const peer = createECDH('prime256v1')
    peer.generateKeys()
    const peerKey = ecPublicKeyOf(Buffer.from('06082a8648ce3d030107', 'hex'), peer.getPublicKey())
    const z = keyOperationsOf(ec.privateKey).deriveEcdh(peerKey)
    expect(z.equals(peer.computeSecret(ecPointOf(ec.publicKey)))).toBe(true)
  })
})
