import { describe, expect, it } from 'vitest'
import { validateCertificate } from '../../../crypto/certificate-validation.ts'
import { createDemoPki, demoPkcs12Passphrase } from '../../../crypto/demo-pki.ts'
import { readPkcs12 } from '../../../crypto/pkcs12.ts'

const at = new Date('2026-03-02T09:00:00.000Z')
const agencies = [
  { id: 'jc-demo', name: 'Jobcenter Demo', mailbox: 'u25@jc-demo.example' },
  { id: 'ja-demo', name: 'Jugendamt Demo', mailbox: 'jugendhilfe@ja-demo.example' },
]

describe('demo PKI', () => {
  it('when the demo PKI is created, then every agency certificate passes validation with the CA and CRL, for signing and encryption, for its whole life', async () => {
    const pki = await createDemoPki({ at, agencies })
    expect(Object.keys(pki.files).sort()).toEqual([
      'ca.crl.pem',
      'ca.pem',
      'ja-demo.cert.pem',
      'ja-demo.key.pem',
      'ja-demo.p12',
      'jc-demo.cert.pem',
      'jc-demo.key.pem',
      'jc-demo.p12',
    ])
    for (const identity of pki.identities) {
      for (const when of [at, new Date(at.getTime() + 700 * 86_400_000)]) {
        for (const usage of ['sign', 'encrypt'] as const) {
          const result = validateCertificate({
            certificate: identity.certificateDer,
            trustAnchors: [pki.caCertificateDer],
            crls: [pki.crlDer],
            at: when,
            expectedEmail: identity.mailbox,
            usage,
          })
          expect(result).toMatchObject({ ok: true })
        }
      }
      const p12 = readPkcs12(identity.pkcs12, demoPkcs12Passphrase)
      expect(p12.certificate.equals(identity.certificateDer)).toBe(true)
      expect(p12.chain[0]?.equals(pki.caCertificateDer)).toBe(true)
    }
    const [first, second] = pki.identities
    expect(first?.certificateDer.equals(second?.certificateDer ?? Buffer.alloc(0))).toBe(false)
    expect(
      validateCertificate({
        certificate: first?.certificateDer ?? Buffer.alloc(0),
        trustAnchors: [pki.caCertificateDer],
        crls: [pki.crlDer],
        at,
        expectedEmail: 'jugendhilfe@ja-demo.example',
        usage: 'encrypt',
      }),
    ).toMatchObject({ ok: false, code: 'ERR_CERT_EMAIL_MISMATCH' })
  })
})
