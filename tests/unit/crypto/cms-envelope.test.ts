import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { decryptCms } from '../../../crypto/cms-decrypt.ts'
import { encryptCms } from '../../../crypto/cms-encrypt.ts'
import type { ContentEncryption } from '../../../crypto/cms-content-cipher.ts'
import type { RsaKeyTransport } from '../../../crypto/cms-key-transport.ts'
import { openContentInfo } from '../../../crypto/cms-tlv.ts'
import { oid } from '../../../crypto/cms-oids.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../../support/test-pki.ts'

let pki: TestPki
beforeAll(async () => {
  pki = await createTestPki()
})

const content = Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\nÜbergabebogen\r\n')

function recipientOf(identity: TestIdentity, keyTransport: RsaKeyTransport = 'rsa-oaep') {
  return { certificate: identity.certificateDer, keyTransport }
}
function keyOf(identity: TestIdentity) {
  return { key: identity.privateKey, certificate: identity.certificateDer }
}

describe('encryptCms / decryptCms', () => {
  const cases: [string, (p: TestPki) => TestIdentity, RsaKeyTransport][] = [
    ['RSA-OAEP', (p) => p.rsa, 'rsa-oaep'],
    ['RSA PKCS#1 v1.5', (p) => p.rsa, 'rsa-pkcs1'],
    ['ECDH P-256', (p) => p.ecP256, 'rsa-oaep'],
    ['ECDH brainpoolP256r1', (p) => p.brainpool, 'rsa-oaep'],
  ]
  for (const [label, pick, keyTransport] of cases) {
    for (const contentEncryption of ['aes-256-gcm', 'aes-256-cbc'] as ContentEncryption[]) {
      it(`round-trips with ${label} and ${contentEncryption}`, () => {
        const identity = pick(pki)
        const data = encryptCms({
          content,
          recipients: [recipientOf(identity, keyTransport)],
          contentEncryption,
        })
        const info = openContentInfo(data)
        expect(info.contentType).toBe(
          contentEncryption === 'aes-256-gcm' ? oid.authEnvelopedData : oid.envelopedData,
        )
        const result = decryptCms({ data, recipient: keyOf(identity) })
        expect(result.content.equals(content)).toBe(true)
        expect(result.authenticated).toBe(contentEncryption === 'aes-256-gcm')
        expect(result.contentType).toBe(oid.data)
      })
    }
  }

  it('encrypts to several recipients, each of whom can decrypt', () => {
    const data = encryptCms({
      content,
      recipients: [recipientOf(pki.rsa), recipientOf(pki.ecP256), recipientOf(pki.brainpool)],
      contentEncryption: 'aes-256-gcm',
    })
    for (const identity of [pki.rsa, pki.ecP256, pki.brainpool]) {
      expect(decryptCms({ data, recipient: keyOf(identity) }).content.equals(content)).toBe(true)
    }
  })

  it('when the message is for someone else, then ERR_CMS_NOT_FOR_US', () => {
    const data = encryptCms({
      content,
      recipients: [recipientOf(pki.rsa)],
      contentEncryption: 'aes-256-gcm',
    })
    expect(() => decryptCms({ data, recipient: keyOf(pki.rsaPeer) })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_NOT_FOR_US' }),
    )
  })

  for (const keyTransport of ['rsa-oaep', 'rsa-pkcs1'] as RsaKeyTransport[]) {
    for (const contentEncryption of ['aes-256-gcm', 'aes-256-cbc'] as ContentEncryption[]) {
      it(`when the private key does not fit (${keyTransport}, ${contentEncryption}), then ERR_CMS_DECRYPT`, () => {
        const data = encryptCms({
          content,
          recipients: [recipientOf(pki.rsa, keyTransport)],
          contentEncryption,
        })
        const wrong = { key: pki.rsaPeer.privateKey, certificate: pki.rsa.certificateDer }
        // PKCS#1 v1.5 + CBC: a random key decrypts to garbage that passes the padding check
        // with probability ~1/256; repeat so the assertion is about the rule, not luck.
        let failures = 0
        for (let i = 0; i < 8; i += 1) {
          try {
            decryptCms({ data, recipient: wrong })
          } catch (error) {
            expect(error).toMatchObject({ code: 'ERR_CMS_DECRYPT' })
            failures += 1
          }
        }
        expect(failures).toBeGreaterThanOrEqual(7)
      })
    }
  }

  it('when an EC key of another curve is used, then no plaintext comes out', () => {
    const data = encryptCms({
      content,
      recipients: [recipientOf(pki.ecP256)],
      contentEncryption: 'aes-256-gcm',
    })
    const other = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' }).privateKey
    expect(() =>
      decryptCms({ data, recipient: { key: other, certificate: pki.ecP256.certificateDer } }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CMS_DECRYPT' }))
  })

  it('when a GCM ciphertext, tag or nonce byte is flipped, then ERR_CMS_DECRYPT and no plaintext', () => {
    const data = encryptCms({
      content,
      recipients: [recipientOf(pki.ecP256)],
      contentEncryption: 'aes-256-gcm',
    })
    // The envelope ends with [0] ciphertext (as long as the content), then OCTET STRING(16) tag.
    const ciphertextAt = data.length - 18 - content.length
    for (const position of [ciphertextAt, ciphertextAt + 5, data.length - 1, data.length - 16]) {
      const tampered = Buffer.from(data)
      tampered[position] = (tampered[position] as number) ^ 0x01
      expect(() => decryptCms({ data: tampered, recipient: keyOf(pki.ecP256) })).toThrow(
        expect.objectContaining({ code: 'ERR_CMS_DECRYPT' }),
      )
    }
  })

  it('rejects garbage, truncation, oversize and deep nesting with typed errors', () => {
    const data = encryptCms({
      content,
      recipients: [recipientOf(pki.rsa)],
      contentEncryption: 'aes-256-cbc',
    })
    const recipient = keyOf(pki.rsa)
    expect(() => decryptCms({ data: Buffer.from('not cms at all'), recipient })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_MALFORMED' }),
    )
    expect(() => decryptCms({ data: data.subarray(0, data.length - 7), recipient })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_MALFORMED' }),
    )
    expect(() => decryptCms({ data: Buffer.alloc(0), recipient })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_MALFORMED' }),
    )
    expect(() => decryptCms({ data, recipient, maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_TOO_LARGE' }),
    )
    const nested = Buffer.concat([
      Buffer.alloc(2000, 0x30).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80)),
      Buffer.alloc(2000, 0),
    ])
    expect(() => decryptCms({ data: nested, recipient })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_TOO_LARGE' }),
    )
  })

  it('when given a message of another CMS type, then ERR_CMS_UNSUPPORTED', () => {
    const notEnveloped = Buffer.from('301106092a864886f70d010701a00430020500', 'hex')
    expect(() => decryptCms({ data: notEnveloped, recipient: keyOf(pki.rsa) })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_UNSUPPORTED' }),
    )
  })

  it('refuses to encrypt without recipients', () => {
    expect(() => encryptCms({ content, recipients: [], contentEncryption: 'aes-256-gcm' })).toThrow(
      expect.objectContaining({ code: 'ERR_CMS_INVALID_INPUT' }),
    )
  })
})
