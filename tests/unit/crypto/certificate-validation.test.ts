import { generateKeyPairSync } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  buildCaCertificate,
  buildCertificate,
  buildSmimeCertificate,
} from '../../../crypto/certificate-builder.ts'
import { validateCertificate } from '../../../crypto/certificate-validation.ts'
import type { ValidateCertificateInput } from '../../../crypto/certificate-validation.ts'
import { buildCrl } from '../../../crypto/crl-builder.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../../support/test-pki.ts'

let pki: TestPki

beforeAll(async () => {
  pki = await createTestPki()
})

function input(identity: TestIdentity, overrides: Partial<ValidateCertificateInput> = {}) {
  return {
    certificate: identity.certificateDer,
    trustAnchors: [pki.ca.certificateDer],
    crls: [pki.crlDer],
    at: pki.at,
    expectedEmail: identity.email,
    usage: 'sign' as const,
    ...overrides,
  }
}

const notBefore = new Date('2026-01-01T00:00:00Z')
const notAfter = new Date('2028-01-01T00:00:00Z')

describe('validateCertificate', () => {
  it.each(['rsa', 'rsaPeer', 'ecP256', 'brainpool'] as const)(
    'when the %s identity is checked for signing and encryption, then it is valid with a chain to the CA',
    (name) => {
      for (const usage of ['sign', 'encrypt'] as const) {
        const result = validateCertificate(input(pki[name], { usage }))
        expect(result).toMatchObject({ ok: true })
        if (!result.ok) return
        expect(result.chain).toHaveLength(2)
        expect(result.chain[0]?.der.equals(pki[name].certificateDer)).toBe(true)
        expect(result.chain[1]?.der.equals(pki.ca.certificateDer)).toBe(true)
      }
    },
  )

  it('when the mailbox differs only in case, then the e-mail still matches', () => {
    const result = validateCertificate(input(pki.rsa, { expectedEmail: 'RSA@Test.Brucke.Invalid' }))
    expect(result.ok).toBe(true)
  })

  it.each([
    ['expired', 'ERR_CERT_EXPIRED'],
    ['notYetValid', 'ERR_CERT_NOT_YET_VALID'],
    ['wrongKeyUsage', 'ERR_CERT_KEY_USAGE'],
    ['wrongExtendedKeyUsage', 'ERR_CERT_EKU'],
    ['revoked', 'ERR_CERT_REVOKED'],
    ['unknownCa', 'ERR_CERT_UNTRUSTED'],
  ] as const)('when the %s certificate is checked, then it fails with %s', (name, code) => {
    const result = validateCertificate(input(pki.invalid[name]))
    expect(result).toMatchObject({ ok: false, code })
  })

  it('when the clock moves past notAfter, then a valid certificate becomes ERR_CERT_EXPIRED', () => {
    const result = validateCertificate(
      input(pki.rsa, { at: new Date('2028-01-01T00:00:01Z'), crlPolicy: 'if-present' }),
    )
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_EXPIRED' })
  })

  it('when the mailbox is another one, then it fails with ERR_CERT_EMAIL_MISMATCH', () => {
    const result = validateCertificate(
      input(pki.rsa, { expectedEmail: 'rsa-peer@test.brucke.invalid' }),
    )
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_EMAIL_MISMATCH' })
  })

  it('when an EC certificate only allows keyAgreement, then signing passes but an RSA cert without keyEncipherment cannot encrypt', async () => {
    const signOnly = await pki.issue({
      name: 'sign-only',
      email: 'sign-only@test.brucke.invalid',
      keyUsage: ['digitalSignature'],
    })
    expect(validateCertificate(input(signOnly, { usage: 'sign' })).ok).toBe(true)
    expect(validateCertificate(input(signOnly, { usage: 'encrypt' }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_KEY_USAGE',
    })
  })

  it('when one signature byte is flipped, then it fails with ERR_CERT_BAD_SIGNATURE', () => {
    const der = Buffer.from(pki.rsa.certificateDer)
    der[der.length - 1] = (der[der.length - 1] ?? 0) ^ 0xff
    const result = validateCertificate({ ...input(pki.rsa), certificate: der })
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_BAD_SIGNATURE' })
  })

  it('when a certificate is signed by a different key under the CA name, then it fails with ERR_CERT_BAD_SIGNATURE', () => {
    // An impostor CA with the same name as the real one but its own key.
    const impostorKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    const impostor = buildCaCertificate({
      subject: { country: 'DE', organization: 'Brücke Test', commonName: 'Brücke Test CA' },
      keyPair: impostorKeys,
      notBefore,
      notAfter,
    })
    const forged = buildSmimeCertificate({
      subject: { commonName: 'forged' },
      email: 'forged@test.brucke.invalid',
      publicKey: pki.ecP256.publicKey,
      issuer: { certificate: impostor.der, privateKey: impostorKeys.privateKey },
      notBefore,
      notAfter,
    })
    const result = validateCertificate({
      ...input(pki.ecP256),
      certificate: forged.der,
      expectedEmail: 'forged@test.brucke.invalid',
    })
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_BAD_SIGNATURE' })
  })

  it('when the unsigned outer signatureAlgorithm or the signature bit string header is altered, then the certificate is refused', () => {
    const der = Buffer.from(pki.ecP256.certificateDer)
    // sha256WithRSAEncryption with NULL parameters; the last occurrence is the outer, unsigned copy.
    const algorithm = Buffer.from('300d06092a864886f70d01010b0500', 'hex')
    const outer = der.lastIndexOf(algorithm)
    expect(outer).toBeGreaterThan(der.indexOf(algorithm))
    const nullTag = outer + algorithm.length - 2
    const alteredParameters = Buffer.from(der)
    alteredParameters[nullTag] = 0x04 // NULL → empty OCTET STRING
    expect(
      validateCertificate({ ...input(pki.ecP256), certificate: alteredParameters }),
    ).toMatchObject({
      ok: false,
      code: 'ERR_CERT_MALFORMED',
    })
    // BIT STRING 03 82 01 81, then the unused-bits octet (must be 0 for a signature).
    const unusedBits = outer + algorithm.length + 4
    expect(der[unusedBits - 4]).toBe(0x03)
    const alteredBits = Buffer.from(der)
    alteredBits[unusedBits] = 0x01
    expect(validateCertificate({ ...input(pki.ecP256), certificate: alteredBits }).ok).toBe(false)
  })

  it.each([
    ['garbage', Buffer.from('this is not DER at all')],
    ['empty', Buffer.alloc(0)],
    ['truncated', null],
  ])('when the certificate is %s, then it fails with ERR_CERT_MALFORMED', (_label, bytes) => {
    const der = bytes ?? pki.rsa.certificateDer.subarray(0, 200)
    const result = validateCertificate({ ...input(pki.rsa), certificate: der })
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_MALFORMED' })
  })

  it('when no CRL is given and CRLs are required, then it fails with ERR_CERT_CRL_MISSING; with crlPolicy if-present it passes', () => {
    expect(validateCertificate(input(pki.rsa, { crls: [] }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_CRL_MISSING',
    })
    expect(validateCertificate(input(pki.rsa, { crls: [], crlPolicy: 'if-present' })).ok).toBe(true)
  })

  it('when the CRL is stale (nextUpdate before at), then it fails with ERR_CERT_CRL_EXPIRED', () => {
    const result = validateCertificate(input(pki.rsa, { at: new Date('2026-12-01T00:00:00Z') }))
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_CRL_EXPIRED' })
  })

  it('when the CRL signature is broken, then it fails with ERR_CERT_CRL_INVALID', () => {
    const crl = Buffer.from(pki.crlDer)
    crl[crl.length - 1] = (crl[crl.length - 1] ?? 0) ^ 0x01
    expect(validateCertificate(input(pki.rsa, { crls: [crl] }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_CRL_INVALID',
    })
    expect(validateCertificate(input(pki.rsa, { crls: [Buffer.from('garbage')] }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_CRL_INVALID',
    })
  })

  it('when the certificate was revoked after `at`, then it is still valid at `at`', () => {
    const crl = pki.buildCrl({
      serialNumbers: [pki.rsa.serialNumber],
      revokedAt: new Date(pki.at.getTime() + 1000),
      thisUpdate: new Date(pki.at.getTime() - 1000),
    })
    expect(validateCertificate(input(pki.rsa, { crls: [crl.der] })).ok).toBe(true)
    const later = new Date(pki.at.getTime() + 2000)
    expect(validateCertificate(input(pki.rsa, { crls: [crl.der], at: later }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_REVOKED',
    })
  })

  it('when the chain runs through an intermediate, then the intermediate is needed and its CRL is checked too', () => {
    const intermediateKeys = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' })
    const intermediate = buildCaCertificate({
      subject: { commonName: 'Intermediate CA' },
      keyPair: intermediateKeys,
      issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
      serialNumber: 77n,
      notBefore,
      notAfter,
    })
    const leaf = buildSmimeCertificate({
      subject: { commonName: 'leaf' },
      email: 'leaf@test.brucke.invalid',
      publicKey: pki.rsaPeer.publicKey,
      issuer: { certificate: intermediate.der, privateKey: intermediateKeys.privateKey },
      notBefore,
      notAfter,
    })
    const intermediateCrl = buildCrl({
      issuer: { certificate: intermediate.der, privateKey: intermediateKeys.privateKey },
      thisUpdate: new Date(pki.at.getTime() - 1000),
      nextUpdate: notAfter,
      crlNumber: 1,
      revoked: [],
    })
    const base = {
      certificate: leaf.der,
      trustAnchors: [pki.ca.certificateDer],
      at: pki.at,
      usage: 'encrypt' as const,
      expectedEmail: 'leaf@test.brucke.invalid',
    }
    expect(validateCertificate({ ...base, crls: [pki.crlDer, intermediateCrl.der] })).toMatchObject(
      {
        ok: false,
        code: 'ERR_CERT_UNTRUSTED',
      },
    )
    const ok = validateCertificate({
      ...base,
      intermediates: [intermediate.der],
      crls: [pki.crlDer, intermediateCrl.der],
    })
    expect(ok.ok && ok.chain.length).toBe(3)
    expect(
      validateCertificate({ ...base, intermediates: [intermediate.der], crls: [pki.crlDer] }),
    ).toMatchObject({ ok: false, code: 'ERR_CERT_CRL_MISSING' })
    const rootRevokesIntermediate = pki.buildCrl({
      serialNumbers: [77n],
      revokedAt: new Date(pki.at.getTime() - 1000),
    })
    expect(
      validateCertificate({
        ...base,
        intermediates: [intermediate.der],
        crls: [rootRevokesIntermediate.der, intermediateCrl.der],
      }),
    ).toMatchObject({ ok: false, code: 'ERR_CERT_REVOKED' })
  })

  it('when an end-entity certificate poses as issuer, then it fails with ERR_CERT_NOT_CA', () => {
    const child = buildSmimeCertificate({
      subject: { commonName: 'child' },
      email: 'child@test.brucke.invalid',
      publicKey: pki.ecP256.publicKey,
      issuer: { certificate: pki.rsa.certificateDer, privateKey: pki.rsa.privateKey },
      notBefore,
      notAfter,
    })
    const result = validateCertificate({
      certificate: child.der,
      intermediates: [pki.rsa.certificateDer],
      trustAnchors: [pki.ca.certificateDer],
      crls: [pki.crlDer],
      at: pki.at,
      usage: 'sign',
    })
    expect(result).toMatchObject({ ok: false, code: 'ERR_CERT_NOT_CA' })
  })

  it('when the CA signed the certificate and its CRL with RSASSA-PSS, then both verify', () => {
    const pss = buildSmimeCertificate({
      subject: { commonName: 'pss' },
      email: 'pss@test.brucke.invalid',
      publicKey: pki.ecP256.publicKey,
      issuer: {
        certificate: pki.ca.certificateDer,
        privateKey: pki.ca.privateKey,
        rsaSignatureScheme: 'pss',
      },
      notBefore,
      notAfter,
    })
    const pssCrl = buildCrl({
      issuer: {
        certificate: pki.ca.certificateDer,
        privateKey: pki.ca.privateKey,
        rsaSignatureScheme: 'pss',
      },
      thisUpdate: new Date(pki.at.getTime() - 1000),
      nextUpdate: notAfter,
      crlNumber: 9,
      revoked: [],
    })
    const result = validateCertificate({
      ...input(pki.ecP256),
      certificate: pss.der,
      expectedEmail: 'pss@test.brucke.invalid',
      crls: [pssCrl.der],
    })
    expect(result.ok).toBe(true)
  })

  it('when the certificate carries an unknown critical extension, then it fails with ERR_CERT_CRITICAL_EXTENSION', () => {
    const build = (critical: boolean) =>
      buildCertificate({
        subject: { commonName: 'odd' },
        publicKey: pki.rsa.publicKey,
        issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
        notBefore,
        notAfter,
        extensions: {
          keyUsage: ['digitalSignature', 'keyEncipherment'],
          emailAddresses: ['odd@test.brucke.invalid'],
          // A private OID with a DER NULL value.
          extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical, value: Buffer.from([5, 0]) }],
        },
      })
    const base = {
      ...input(pki.rsa),
      expectedEmail: 'odd@test.brucke.invalid',
      crlPolicy: 'if-present' as const,
    }
    expect(validateCertificate({ ...base, certificate: build(false).der }).ok).toBe(true)
    expect(validateCertificate({ ...base, certificate: build(true).der })).toMatchObject({
      ok: false,
      code: 'ERR_CERT_CRITICAL_EXTENSION',
    })
  })

  it('when the certificate has no subjectAltName, then the subject emailAddress is matched', () => {
    const legacy = buildCertificate({
      subject: { commonName: 'legacy', emailAddress: 'legacy@test.brucke.invalid' },
      publicKey: pki.rsa.publicKey,
      issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
      notBefore,
      notAfter,
      extensions: { keyUsage: ['digitalSignature', 'keyEncipherment'] },
    })
    const base = { ...input(pki.rsa), certificate: legacy.der }
    expect(validateCertificate({ ...base, expectedEmail: 'legacy@test.brucke.invalid' }).ok).toBe(
      true,
    )
    expect(
      validateCertificate({ ...base, expectedEmail: 'other@test.brucke.invalid' }),
    ).toMatchObject({
      ok: false,
      code: 'ERR_CERT_EMAIL_MISMATCH',
    })
  })
})
