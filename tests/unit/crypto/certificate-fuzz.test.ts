import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  decodeSerialNumber,
  encodeSerialNumber,
  formatSerialNumber,
} from '../../../crypto/certificate-serial.ts'
import { validateCertificate } from '../../../crypto/certificate-validation.ts'
import { parseCrl } from '../../../crypto/crl-parse.ts'
import { CertificateError } from '../../../crypto/errors.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestPki } from '../../support/test-pki.ts'

let pki: TestPki

beforeAll(async () => {
  pki = await createTestPki()
})

type Mutation =
  | { kind: 'flip'; at: number; bits: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }

/** A byte-level mutation of a valid DER structure: flips, truncations, insertions, deletions. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    bits: fc.integer({ min: 1, max: 255 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 16 }),
  }),
)

function mutate(der: Buffer, changes: Mutation[]): Buffer {
  let bytes = Buffer.from(der)
  for (const change of changes) {
    const at = bytes.length === 0 ? 0 : change.at % bytes.length
    switch (change.kind) {
      case 'flip':
        bytes[at] = (bytes[at] ?? 0) ^ change.bits
        break
      case 'truncate':
        bytes = bytes.subarray(0, at)
        break
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), change.bytes, bytes.subarray(at)])
        break
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + change.length)])
        break
    }
  }
  return bytes
}

describe('certificate input robustness', () => {
  it('when a valid certificate is mutated at random, then validation returns a typed result and never accepts a changed certificate', () => {
    const original = pki.ecP256.certificateDer
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (changes) => {
        const der = mutate(original, changes)
        const result = validateCertificate({
          certificate: der,
          trustAnchors: [pki.ca.certificateDer],
          crls: [pki.crlDer],
          at: pki.at,
          usage: 'sign',
        })
        if (result.ok) {
          // Only mutations that cancel out (e.g. the same bit flipped twice) may pass.
          expect(der.equals(original)).toBe(true)
        } else {
          expect(result.code).toMatch(/^ERR_CERT_/)
        }
      }),
      { numRuns: 1000 },
    )
  })

  it('when a bit of the outer length is flipped, then the certificate and the CRL are refused (regression: asn1js accepted a shorter outer length)', () => {
    for (const [der, parse] of [
      [pki.ecP256.certificateDer, 'certificate'],
      [pki.crlDer, 'crl'],
    ] as const) {
      for (let index = 1; index <= 3; index++) {
        for (let bit = 0; bit < 8; bit++) {
          const changed = Buffer.from(der)
          changed[index] = changed[index]! ^ (1 << bit)
          if (parse === 'certificate') {
            const result = validateCertificate({
              certificate: changed,
              trustAnchors: [pki.ca.certificateDer],
              crls: [pki.crlDer],
              at: pki.at,
              usage: 'sign',
            })
            expect(result.ok, `byte ${index} bit ${bit}`).toBe(false)
          } else {
            expect(() => parseCrl(changed), `byte ${index} bit ${bit}`).toThrow(CertificateError)
          }
        }
      }
    }
  })

  it('when a CRL is mutated at random, then parsing raises only ERR_CERT_CRL_INVALID and the revoked certificate is never cleared', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (changes) => {
        const der = mutate(pki.crlDer, changes)
        try {
          parseCrl(der)
        } catch (error) {
          expect(error).toBeInstanceOf(CertificateError)
          expect((error as CertificateError).code).toBe('ERR_CERT_CRL_INVALID')
        }
        const result = validateCertificate({
          certificate: pki.invalid.revoked.certificateDer,
          trustAnchors: [pki.ca.certificateDer],
          crls: [der],
          at: pki.at,
          usage: 'sign',
        })
        // A tampered CRL must never clear the revoked certificate.
        expect(result.ok).toBe(false)
      }),
      { numRuns: 300 },
    )
  })

  it('when serial numbers round-trip through DER INTEGER contents, then they come back unchanged', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: (1n << 159n) - 1n }), (serial) => {
        const bytes = new Uint8Array(encodeSerialNumber(serial))
        expect(decodeSerialNumber(bytes)).toBe(serial)
        expect((bytes[0] ?? 0) & 0x80).toBe(0)
        expect(BigInt(`0x${formatSerialNumber(serial)}`)).toBe(serial)
      }),
    )
  })
})
