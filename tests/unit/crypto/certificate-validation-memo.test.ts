import { beforeAll, describe, expect, it } from 'vitest'
import { validateCertificate } from '../../../crypto/certificate-validation.ts'
import type { ValidateCertificateInput } from '../../../crypto/certificate-validation.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestPki } from '../../support/test-pki.ts'

// validateCertificate memoises parsing and signature checks by the exact DER; these tests show
// that repeated calls with the same bytes still apply every time-dependent and byte-level check.
let pki: TestPki

beforeAll(async () => {
  pki = await createTestPki()
})

function input(overrides: Partial<ValidateCertificateInput> = {}): ValidateCertificateInput {
  return {
    certificate: pki.rsa.certificateDer,
    trustAnchors: [pki.ca.certificateDer],
    crls: [pki.crlDer],
    at: pki.at,
    usage: 'sign',
    ...overrides,
  }
}

describe('validateCertificate with memoised parsing', () => {
  it('when the same certificate and CRL are validated at different instants, then validity and CRL currency are judged at each instant', () => {
    expect(validateCertificate(input()).ok).toBe(true)
    expect(validateCertificate(input({ at: new Date('2026-12-01T00:00:00Z') }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_CRL_EXPIRED',
    })
    expect(
      validateCertificate(input({ at: new Date('2028-01-01T00:00:01Z'), crlPolicy: 'if-present' })),
    ).toMatchObject({ ok: false, code: 'ERR_CERT_EXPIRED' })
    expect(
      validateCertificate(input({ at: new Date('2025-12-31T23:59:59Z'), crlPolicy: 'if-present' })),
    ).toMatchObject({ ok: false, code: 'ERR_CERT_NOT_YET_VALID' })
    expect(validateCertificate(input()).ok).toBe(true)
  })

  it('when a caller changes its certificate buffer in place after a valid check, then the changed bytes are checked afresh', () => {
    const certificate = Buffer.from(pki.rsa.certificateDer)
    expect(validateCertificate(input({ certificate })).ok).toBe(true)
    const last = certificate.length - 1
    certificate[last] = (certificate[last] ?? 0) ^ 0x01
    expect(validateCertificate(input({ certificate }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_BAD_SIGNATURE',
    })
    certificate[last] = (certificate[last] ?? 0) ^ 0x01
    expect(validateCertificate(input({ certificate })).ok).toBe(true)
  })

  it('when a caller changes its CRL buffer in place after a valid check, then the broken CRL is refused', () => {
    const crl = Buffer.from(pki.crlDer)
    expect(validateCertificate(input({ crls: [crl] })).ok).toBe(true)
    const last = crl.length - 1
    crl[last] = (crl[last] ?? 0) ^ 0x01
    expect(validateCertificate(input({ crls: [crl] }))).toMatchObject({
      ok: false,
      code: 'ERR_CERT_CRL_INVALID',
    })
  })

  it('when a returned chain element is altered by the caller, then the next validation is unaffected', () => {
    const first = validateCertificate(input())
    expect(first.ok).toBe(true)
    if (!first.ok || first.chain[0] === undefined) return
    first.chain[0].notAfter = new Date(0)
    expect(validateCertificate(input()).ok).toBe(true)
  })

  it('when a revoked certificate is validated twice, then it is refused both times', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(
        validateCertificate(input({ certificate: pki.invalid.revoked.certificateDer })),
      ).toMatchObject({
        ok: false,
        code: 'ERR_CERT_REVOKED',
      })
    }
  })
})
