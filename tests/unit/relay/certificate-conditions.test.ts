import { describe, expect, it } from 'vitest'
import { buildSmimeCertificate } from '../../../crypto/certificate-builder.ts'
import { generateKeyPair } from '../../../crypto/certificate-key-pair.ts'
import { parseCertificate } from '../../../crypto/certificate-parse.ts'
import {
  recipientStandingOf,
  senderStandingOf,
  standingOfCertificateCode,
} from '../../../gateway/relay/certificate-conditions.ts'
import type { RecipientIdentity } from '../../../gateway/relay/ports.ts'
import { createTestPki } from '../../support/test-pki.ts'

/** The cause each validation code names in a refusal (issue 16, point 8). */
describe('certificate standing', () => {
  it.each([
    ['ERR_CERT_REVOKED', 'revoked'],
    ['ERR_CERT_EXPIRED', 'expired'],
    ['ERR_CERT_UNTRUSTED', 'untrusted'],
    ['ERR_CERT_BAD_SIGNATURE', 'untrusted'],
    ['ERR_CERT_NOT_CA', 'untrusted'],
    ['ERR_CERT_CRL_MISSING', 'untrusted'],
    ['ERR_CERT_CRL_INVALID', 'untrusted'],
    ['ERR_CERT_CRL_EXPIRED', 'untrusted'],
    ['ERR_CERT_NOT_YET_VALID', 'invalid'],
    ['ERR_CERT_KEY_USAGE', 'invalid'],
    ['ERR_CERT_EKU', 'invalid'],
    ['ERR_CERT_EMAIL_MISMATCH', 'invalid'],
    ['ERR_CERT_MALFORMED', 'invalid'],
  ])('%s is %s', (code, standing) => {
    expect(standingOfCertificateCode(code)).toBe(standing)
  })

  it('a recipient without a certificate is missing; a passing check is valid', () => {
    expect(recipientStandingOf(undefined)).toBe('missing')
    const identity = { check: { ok: true } } as RecipientIdentity
    expect(recipientStandingOf(identity)).toBe('valid')
    expect(
      recipientStandingOf({ ...identity, check: { ok: false, code: 'ERR_CERT_REVOKED' } }),
    ).toBe('revoked')
  })

  it('the sender: unknown agency or no certificate is missing, no key is key_missing, else the code', () => {
    expect(senderStandingOf({ ok: false, problem: 'agency_unknown' })).toBe('missing')
    expect(senderStandingOf({ ok: false, problem: 'certificate_missing' })).toBe('missing')
    expect(senderStandingOf({ ok: false, problem: 'key_missing' })).toBe('key_missing')
    expect(
      senderStandingOf({
        ok: false,
        problem: 'certificate_invalid',
        certificateCode: 'ERR_CERT_EXPIRED',
      }),
    ).toBe('expired')
    expect(senderStandingOf({ ok: false, problem: 'certificate_invalid' })).toBe('invalid')
  })
})

describe('cRLDistributionPoints', () => {
  it('parses the http(s) URIs a certificate names, none when absent', async () => {
    const pki = await createTestPki()
    const keys = await generateKeyPair('ec-p256')
    const leaf = buildSmimeCertificate({
      subject: { commonName: 'Leaf' },
      email: 'leaf@test.brucke.invalid',
      publicKey: keys.publicKey,
      issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
      crlDistributionPoints: ['http://crl.test.brucke.invalid/a.crl', 'ldap://ldap.invalid/cn=x'],
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2027-01-01'),
    })
    expect(parseCertificate(leaf.der).crlDistributionPoints).toEqual([
      'http://crl.test.brucke.invalid/a.crl',
    ])
    expect(parseCertificate(pki.rsa.certificateDer).crlDistributionPoints).toEqual([])
  })
})
