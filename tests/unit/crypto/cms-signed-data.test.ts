import { beforeAll, describe, expect, it } from 'vitest'
import { encryptCms } from '../../../crypto/cms-encrypt.ts'
import { signCms } from '../../../crypto/cms-sign.ts'
import type { RsaSignatureScheme } from '../../../crypto/cms-signature-algorithm.ts'
import { verifyCms } from '../../../crypto/cms-verify.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../../support/test-pki.ts'

let pki: TestPki
beforeAll(async () => {
  pki = await createTestPki()
})

const content = Buffer.from('Content-Type: text/plain\r\n\r\nFallkonferenz am Dienstag\r\n')

function signerOf(identity: TestIdentity) {
  return { key: identity.privateKey, certificate: identity.certificateDer }
}
function trust(p: TestPki) {
  return { trustAnchors: [p.ca.certificateDer], crls: [p.crlDer], at: p.at }
}

describe('signCms / verifyCms', () => {
  const signers: [string, (p: TestPki) => TestIdentity, RsaSignatureScheme][] = [
    ['RSA PKCS#1 v1.5', (p) => p.rsa, 'rsa-pkcs1'],
    ['RSA-PSS', (p) => p.rsa, 'rsa-pss'],
    ['ECDSA P-256', (p) => p.ecP256, 'rsa-pkcs1'],
    ['ECDSA brainpoolP256r1', (p) => p.brainpool, 'rsa-pkcs1'],
  ]
  for (const [label, pick, rsaScheme] of signers) {
    for (const detached of [false, true]) {
      it(`verifies a ${detached ? 'detached' : 'attached'} ${label} signature and names the signer`, () => {
        const identity = pick(pki)
        const data = signCms({
          content,
          signer: signerOf(identity),
          at: pki.at,
          detached,
          rsaScheme,
        })
        const result = verifyCms({
          data,
          ...(detached ? { detachedContent: content } : {}),
          ...trust(pki),
          expectedEmail: identity.email,
        })
        expect(result).toMatchObject({ ok: true })
        if (!result.ok) return
        expect(result.content.equals(content)).toBe(true)
        expect(result.signer.email).toBe(identity.email)
        expect(result.signer.certificate.equals(identity.certificateDer)).toBe(true)
        expect(result.chain).toHaveLength(2)
        expect(result.chain[1]?.equals(pki.ca.certificateDer)).toBe(true)
        expect(result.signingTime?.toISOString()).toBe(pki.at.toISOString())
      })
    }
  }

  it('when the attached content was altered, then ERR_CMS_BAD_SIGNATURE', () => {
    const data = signCms({ content, signer: signerOf(pki.rsa), at: pki.at, detached: false })
    const tampered = Buffer.from(data)
    const at = tampered.indexOf(Buffer.from('Dienstag'))
    tampered[at] = 0x63 // 'D' → 'c'
    expect(verifyCms({ data: tampered, ...trust(pki) })).toMatchObject({
      ok: false,
      code: 'ERR_CMS_BAD_SIGNATURE',
    })
  })

  it('when a detached signature is checked against other content, then ERR_CMS_BAD_SIGNATURE', () => {
    const data = signCms({ content, signer: signerOf(pki.ecP256), at: pki.at, detached: true })
    const other = Buffer.from(content.toString().replace('Dienstag', 'Mittwoch'))
    expect(verifyCms({ data, detachedContent: other, ...trust(pki) })).toMatchObject({
      ok: false,
      code: 'ERR_CMS_BAD_SIGNATURE',
    })
  })

  it('when the signature value is altered, then ERR_CMS_BAD_SIGNATURE', () => {
    const data = signCms({ content, signer: signerOf(pki.rsa), at: pki.at, detached: true })
    const tampered = Buffer.from(data)
    // The RSA-3072 signature value is the last 384 bytes of the SignerInfo, at the end.
    tampered[tampered.length - 10] = (tampered[tampered.length - 10] as number) ^ 0x40
    expect(verifyCms({ data: tampered, detachedContent: content, ...trust(pki) })).toMatchObject({
      ok: false,
      code: 'ERR_CMS_BAD_SIGNATURE',
    })
  })

  const untrusted: [string, (p: TestPki) => TestIdentity, string][] = [
    ['from an unknown CA', (p) => p.invalid.unknownCa, 'ERR_CERT_UNTRUSTED'],
    ['revoked', (p) => p.invalid.revoked, 'ERR_CERT_REVOKED'],
    ['expired', (p) => p.invalid.expired, 'ERR_CERT_EXPIRED'],
    ['not yet valid', (p) => p.invalid.notYetValid, 'ERR_CERT_NOT_YET_VALID'],
    ['without digitalSignature key usage', (p) => p.invalid.wrongKeyUsage, 'ERR_CERT_KEY_USAGE'],
    ['without emailProtection', (p) => p.invalid.wrongExtendedKeyUsage, 'ERR_CERT_EKU'],
  ]
  for (const [label, pick, validationCode] of untrusted) {
    it(`when the signer certificate is ${label}, then ERR_CMS_SIGNER_UNTRUSTED (${validationCode})`, () => {
      const identity = pick(pki)
      const data = signCms({ content, signer: signerOf(identity), at: pki.at, detached: false })
      expect(verifyCms({ data, ...trust(pki) })).toMatchObject({
        ok: false,
        code: 'ERR_CMS_SIGNER_UNTRUSTED',
        validationCode,
      })
    })
  }

  it('when the signer is not the expected mailbox, then ERR_CMS_SIGNER_UNTRUSTED', () => {
    const data = signCms({ content, signer: signerOf(pki.rsa), at: pki.at, detached: false })
    expect(verifyCms({ data, ...trust(pki), expectedEmail: pki.rsaPeer.email })).toMatchObject({
      ok: false,
      code: 'ERR_CMS_SIGNER_UNTRUSTED',
      validationCode: 'ERR_CERT_EMAIL_MISMATCH',
    })
  })

  it('refuses to sign with a key that does not belong to the certificate', () => {
    expect(() =>
      signCms({
        content,
        signer: { key: pki.rsaPeer.privateKey, certificate: pki.rsa.certificateDer },
        at: pki.at,
        detached: false,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CMS_INVALID_INPUT' }))
  })

  it('when given an enveloped message or garbage, then a typed failure, not an exception', () => {
    const enveloped = encryptCms({
      content,
      recipients: [{ certificate: pki.rsa.certificateDer, keyTransport: 'rsa-oaep' }],
      contentEncryption: 'aes-256-gcm',
    })
    expect(verifyCms({ data: enveloped, ...trust(pki) })).toMatchObject({
      ok: false,
      code: 'ERR_CMS_NOT_SIGNED',
    })
    expect(verifyCms({ data: Buffer.from([0x30, 0x03, 0x02, 0x01]), ...trust(pki) })).toMatchObject(
      { ok: false, code: 'ERR_CMS_MALFORMED' },
    )
  })

  it('when a detached signature comes without its content, then ERR_CMS_MALFORMED', () => {
    const data = signCms({ content, signer: signerOf(pki.rsa), at: pki.at, detached: true })
    expect(verifyCms({ data, ...trust(pki) })).toMatchObject({
      ok: false,
      code: 'ERR_CMS_MALFORMED',
    })
  })
})
