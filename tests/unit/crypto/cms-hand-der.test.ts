import { RecipientInfo } from '@peculiar/asn1-cms'
import { AsnParser, AsnSerializer } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'
import { beforeAll, describe, expect, it } from 'vitest'
import { GcmParameters } from '../../../crypto/asn1-auth-enveloped-data.ts'
import { readCmsCertificate } from '../../../crypto/cms-certificate.ts'
import { encryptContent } from '../../../crypto/cms-content-cipher.ts'
import { encryptKeyEcdh } from '../../../crypto/cms-key-agreement.ts'
import { oid } from '../../../crypto/cms-oids.ts'
import { derAlgorithmIdentifier, derObjectIdentifier } from '../../../crypto/cms-tlv.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestPki } from '../../support/test-pki.ts'

// The per-message CMS structures are written by hand (the schema serialiser cost more than the
// crypto). The schema library is the oracle: parsing our bytes and serialising them again must
// give the same bytes, field by field as we meant them.

let pki: TestPki
beforeAll(async () => {
  pki = await createTestPki()
})

const reencode = <T>(der: Buffer, type: new () => T): Buffer =>
  Buffer.from(AsnSerializer.serialize(AsnParser.parse(der, type)))

describe('hand-written DER', () => {
  it('AlgorithmIdentifier with and without parameters equals the schema encoding', () => {
    expect(derAlgorithmIdentifier(oid.aes256Wrap)).toEqual(
      Buffer.from(AsnSerializer.serialize(new AlgorithmIdentifier({ algorithm: oid.aes256Wrap }))),
    )
    const withParameters = derAlgorithmIdentifier(oid.sha256, Buffer.from([0x05, 0x00]))
    expect(reencode(withParameters, AlgorithmIdentifier)).toEqual(withParameters)
    expect(derObjectIdentifier(oid.data)).toBe(derObjectIdentifier(oid.data))
  })

  it('the GCM and CBC content-encryption algorithms parse back to what was written', () => {
    const gcm = encryptContent('aes-256-gcm', Buffer.from('x'))
    const gcmAlgorithm = AsnParser.parse(gcm.algorithmDer, AlgorithmIdentifier)
    expect(gcmAlgorithm.algorithm).toBe(oid.aes256Gcm)
    const parameters = AsnParser.parse(gcmAlgorithm.parameters as ArrayBuffer, GcmParameters)
    expect(parameters.icvLength).toBe(16)
    expect(Buffer.from(parameters.nonce.buffer)).toHaveLength(12)
    expect(reencode(gcm.algorithmDer, AlgorithmIdentifier)).toEqual(gcm.algorithmDer)
    const cbc = encryptContent('aes-256-cbc', [Buffer.from('a'), Buffer.from('b')])
    expect(AsnParser.parse(cbc.algorithmDer, AlgorithmIdentifier).algorithm).toBe(oid.aes256Cbc)
    expect(reencode(cbc.algorithmDer, AlgorithmIdentifier)).toEqual(cbc.algorithmDer)
    expect(Buffer.concat(cbc.ciphertext)).toHaveLength(16)
  })

  for (const which of ['ecP256', 'brainpool'] as const) {
    it(`the KeyAgreeRecipientInfo for ${which} is the schema's encoding of the intended fields`, () => {
      const certificate = readCmsCertificate(pki[which].certificateDer)
      const der = encryptKeyEcdh(Buffer.alloc(32, 7), certificate)
      expect(der[0]).toBe(0xa1)
      const parsed = AsnParser.parse(der, RecipientInfo)
      const kari = parsed.kari
      if (!kari) throw new Error('not a kari')
      expect(kari.version).toBe(3)
      expect(kari.originator.originatorKey?.algorithm.algorithm).toBe(oid.ecPublicKey)
      expect(kari.originator.originatorKey?.algorithm.parameters).toBeUndefined()
      expect(kari.keyEncryptionAlgorithm.algorithm).toBe(oid.dhSinglePassStdDhSha256Kdf)
      expect(kari.recipientEncryptedKeys).toHaveLength(1)
      const encryptedKey = kari.recipientEncryptedKeys[0]?.encryptedKey
      expect(encryptedKey?.byteLength).toBe(40)
      expect(reencode(der, RecipientInfo)).toEqual(der)
    })
  }
})
