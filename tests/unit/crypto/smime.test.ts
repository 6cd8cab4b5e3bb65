import { beforeAll, describe, expect, it } from 'vitest'
import { encryptCms } from '../../../crypto/cms-encrypt.ts'
import {
  decryptAndVerify,
  signAndEncrypt,
  signAndEncryptWithCopy,
  verifySmimeEntity,
} from '../../../crypto/smime.ts'
import { wrapPkcs7Mime } from '../../../crypto/smime-message.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../../support/test-pki.ts'

let pki: TestPki
beforeAll(async () => {
  pki = await createTestPki()
})

const entityLf = [
  'Content-Type: multipart/mixed; boundary="b1"',
  '',
  '--b1',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 8bit',
  '',
  'Zweckbindung nach § 78 SGB X.',
  '--b1--',
  '',
].join('\n')
const entityCrlf = Buffer.from(entityLf.replace(/\n/g, '\r\n'))

function signer(identity: TestIdentity) {
  return { key: identity.privateKey, certificate: identity.certificateDer }
}
function receive(p: TestPki, identity: TestIdentity, message: Buffer) {
  return decryptAndVerify({
    message,
    recipient: { key: identity.privateKey, certificate: identity.certificateDer },
    trustAnchors: [p.ca.certificateDer],
    crls: [p.crlDer],
    at: p.at,
  })
}

describe('signAndEncrypt / decryptAndVerify', () => {
  it('modern profile: authEnveloped-data that the recipient opens, naming the signer', () => {
    const message = signAndEncrypt({
      mimeEntity: Buffer.from(entityLf),
      signer: signer(pki.rsa),
      recipients: [{ certificate: pki.rsaPeer.certificateDer, profile: 'modern' }],
      at: pki.at,
    })
    expect(message.toString('latin1')).toContain('smime-type=authEnveloped-data')
    const result = receive(pki, pki.rsaPeer, message)
    expect(result).toMatchObject({ ok: true, authenticatedEncryption: true })
    if (!result.ok) return
    expect(result.mimeEntity.equals(entityCrlf)).toBe(true)
    expect(result.signer.email).toBe(pki.rsa.email)
    expect(result.chain).toHaveLength(2)
    expect(result.signingTime?.getTime()).toBe(pki.at.getTime())
  })

  it('compatible profile: enveloped-data (AES-256-CBC) with opaque signed-data inside', () => {
    const message = signAndEncrypt({
      mimeEntity: entityCrlf,
      signer: signer(pki.ecP256),
      recipients: [{ certificate: pki.rsaPeer.certificateDer, profile: 'compatible' }],
      at: pki.at,
      signatureForm: 'opaque',
    })
    expect(message.toString('latin1')).toContain('smime-type=enveloped-data')
    const result = receive(pki, pki.rsaPeer, message)
    expect(result).toMatchObject({ ok: true, authenticatedEncryption: false })
    if (result.ok) expect(result.mimeEntity.equals(entityCrlf)).toBe(true)
  })

  it('encrypts to the recipient and the sender; one compatible recipient makes it CBC for both', () => {
    const message = signAndEncrypt({
      mimeEntity: entityCrlf,
      signer: signer(pki.rsa),
      recipients: [
        { certificate: pki.brainpool.certificateDer, profile: 'compatible' },
        { certificate: pki.rsa.certificateDer, profile: 'modern' },
      ],
      at: pki.at,
    })
    expect(message.toString('latin1')).toContain('smime-type=enveloped-data')
    expect(receive(pki, pki.brainpool, message)).toMatchObject({ ok: true })
    expect(receive(pki, pki.rsa, message)).toMatchObject({ ok: true })
    expect(receive(pki, pki.ecP256, message)).toMatchObject({
      ok: false,
      code: 'ERR_CMS_NOT_FOR_US',
    })
  })

  it.each(['modern', 'compatible'] as const)(
    'sender copy (%s): one encryption, the message opens for both, the copy for the sender alone',
    (profile) => {
      for (const sender of [pki.rsa, pki.ecP256]) {
        const { message, copy } = signAndEncryptWithCopy({
          mimeEntity: entityCrlf,
          signer: signer(sender),
          recipients: [
            { certificate: pki.rsaPeer.certificateDer, profile },
            { certificate: sender.certificateDer, profile },
          ],
          at: pki.at,
          copyFor: 1,
        })
        const opened = [receive(pki, pki.rsaPeer, message), receive(pki, sender, message)]
        for (const result of opened) expect(result).toMatchObject({ ok: true })
        const own = receive(pki, sender, copy)
        expect(own).toMatchObject({ ok: true })
        if (!own.ok) return
        expect(own.mimeEntity.equals(entityCrlf)).toBe(true)
        expect(own.signer.email).toBe(sender.email)
        expect(receive(pki, pki.rsaPeer, copy)).toMatchObject({
          ok: false,
          code: 'ERR_CMS_NOT_FOR_US',
        })
        // The same ciphertext: the copy is the message's envelope minus one RecipientInfo.
        const body = (raw: Buffer) =>
          Buffer.from(raw.toString('latin1').split('\r\n\r\n')[1]!.replace(/\s+/g, ''), 'base64')
        expect(body(copy).length).toBeLessThan(body(message).length)
        const tail = body(copy).subarray(-64)
        expect(body(message).includes(tail)).toBe(true)
      }
    },
  )

  it('when a mail hop rewrote CRLF to LF, then the message still opens and verifies', () => {
    const message = signAndEncrypt({
      mimeEntity: entityCrlf,
      signer: signer(pki.rsa),
      recipients: [{ certificate: pki.ecP256.certificateDer, profile: 'modern' }],
      at: pki.at,
    })
    const lf = Buffer.from(message.toString('latin1').replace(/\r\n/g, '\n'), 'latin1')
    expect(receive(pki, pki.ecP256, lf)).toMatchObject({ ok: true })
  })

  it('when the signer is revoked, then ERR_CMS_SIGNER_UNTRUSTED naming the validation code', () => {
    const message = signAndEncrypt({
      mimeEntity: entityCrlf,
      signer: signer(pki.invalid.revoked),
      recipients: [{ certificate: pki.rsa.certificateDer, profile: 'modern' }],
      at: pki.at,
    })
    expect(receive(pki, pki.rsa, message)).toMatchObject({
      ok: false,
      code: 'ERR_CMS_SIGNER_UNTRUSTED',
      validationCode: 'ERR_CERT_REVOKED',
    })
  })

  it('when the signer is not the expected sending agency, then ERR_CMS_SIGNER_UNTRUSTED', () => {
    const message = signAndEncrypt({
      mimeEntity: entityCrlf,
      signer: signer(pki.rsa),
      recipients: [{ certificate: pki.ecP256.certificateDer, profile: 'modern' }],
      at: pki.at,
    })
    const result = decryptAndVerify({
      message,
      recipient: { key: pki.ecP256.privateKey, certificate: pki.ecP256.certificateDer },
      trustAnchors: [pki.ca.certificateDer],
      crls: [pki.crlDer],
      expectedSenderEmail: pki.brainpool.email,
      at: pki.at,
    })
    expect(result).toMatchObject({ ok: false, validationCode: 'ERR_CERT_EMAIL_MISMATCH' })
  })

  it('when the encrypted content is not signed, then ERR_CMS_NOT_SIGNED', () => {
    const unsigned = wrapPkcs7Mime(
      encryptCms({
        content: entityCrlf,
        recipients: [{ certificate: pki.rsa.certificateDer, keyTransport: 'rsa-oaep' }],
        contentEncryption: 'aes-256-gcm',
      }),
      'authEnveloped-data',
    )
    expect(receive(pki, pki.rsa, unsigned)).toMatchObject({ ok: false, code: 'ERR_CMS_NOT_SIGNED' })
  })

  it('rejects unencrypted, malformed and oversized messages with typed results', () => {
    const recipient = pki.rsa
    expect(receive(pki, recipient, entityCrlf)).toMatchObject({
      ok: false,
      code: 'ERR_CMS_UNSUPPORTED',
    })
    expect(receive(pki, recipient, Buffer.from('no headers here'))).toMatchObject({
      ok: false,
      code: 'ERR_CMS_MIME_MALFORMED',
    })
    const badBase64 = Buffer.from(
      'Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@@\r\n',
    )
    expect(receive(pki, recipient, badBase64)).toMatchObject({
      ok: false,
      code: 'ERR_CMS_MIME_MALFORMED',
    })
    const message = signAndEncrypt({
      mimeEntity: entityCrlf,
      signer: signer(pki.rsa),
      recipients: [{ certificate: recipient.certificateDer, profile: 'modern' }],
      at: pki.at,
    })
    const result = decryptAndVerify({
      message,
      recipient: { key: recipient.privateKey, certificate: recipient.certificateDer },
      trustAnchors: [pki.ca.certificateDer],
      at: pki.at,
      maxBytes: 1000,
    })
    expect(result).toMatchObject({ ok: false, code: 'ERR_CMS_TOO_LARGE' })
  })

  it('verifies a signed-only entity and refuses one that is not signed', () => {
    const trust = { trustAnchors: [pki.ca.certificateDer], crls: [pki.crlDer], at: pki.at }
    expect(verifySmimeEntity({ message: entityCrlf, ...trust })).toMatchObject({
      ok: false,
      code: 'ERR_CMS_NOT_SIGNED',
    })
  })
})
