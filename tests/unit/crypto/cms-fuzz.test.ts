import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { decryptCms } from '../../../crypto/cms-decrypt.ts'
import { encryptCms } from '../../../crypto/cms-encrypt.ts'
import { signCms } from '../../../crypto/cms-sign.ts'
import { verifyCms } from '../../../crypto/cms-verify.ts'
import { CmsError } from '../../../crypto/errors.ts'
import { decryptAndVerify, signAndEncrypt } from '../../../crypto/smime.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestPki } from '../../support/test-pki.ts'

// Mutation fuzzing of valid messages (bit flips, truncation, insertion, overwrite): the code
// must answer every input with a typed CmsError / typed result — never another exception, never
// a hang — and a tampered AES-GCM envelope must never decrypt. Seeds are fixed so a failure
// reproduces; about 2,800 cases in total.

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }

function mutationOf(size: number): fc.Arbitrary<Mutation> {
  const position = fc.nat({ max: size - 1 })
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('flip' as const),
        at: position,
        bit: fc.nat({ max: 7 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('truncate' as const),
        length: fc.nat({ max: size - 1 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('insert' as const),
        at: position,
        bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('overwrite' as const),
        at: position,
        bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
      }),
    },
  )
}

function mutate(original: Buffer, mutation: Mutation): Buffer {
  switch (mutation.kind) {
    case 'flip': {
      const copy = Buffer.from(original)
      copy[mutation.at] = (copy[mutation.at] as number) ^ (1 << mutation.bit)
      return copy
    }
    case 'truncate':
      return Buffer.from(original.subarray(0, mutation.length))
    case 'insert':
      return Buffer.concat([
        original.subarray(0, mutation.at),
        mutation.bytes,
        original.subarray(mutation.at),
      ])
    case 'overwrite': {
      const copy = Buffer.from(original)
      Buffer.from(mutation.bytes).copy(copy, mutation.at)
      return copy
    }
  }
}

const content = Buffer.from(
  'Content-Type: text/plain\r\n\r\nHilfeplan, Abschnitt 3: Wohnen U25.\r\n',
)

let pki: TestPki
beforeAll(async () => {
  pki = await createTestPki()
})

describe('fuzzing CMS and S/MIME input', () => {
  it('a tampered AES-GCM envelope never decrypts and only raises CmsError', () => {
    const original = encryptCms({
      content,
      recipients: [{ certificate: pki.ecP256.certificateDer, keyTransport: 'rsa-oaep' }],
      contentEncryption: 'aes-256-gcm',
    })
    const recipient = { key: pki.ecP256.privateKey, certificate: pki.ecP256.certificateDer }
    fc.assert(
      fc.property(mutationOf(original.length), (mutation) => {
        const tampered = mutate(original, mutation)
        if (tampered.equals(original)) return
        let error: unknown
        try {
          decryptCms({ data: tampered, recipient })
        } catch (caught) {
          error = caught
        }
        expect(error).toBeInstanceOf(CmsError)
      }),
      { numRuns: 1200, seed: 0x5e1f },
    )
  })

  it('a tampered AES-CBC envelope raises only CmsError (CBC is unauthenticated; the inner signature is the check)', () => {
    const original = encryptCms({
      content,
      recipients: [{ certificate: pki.ecP256.certificateDer, keyTransport: 'rsa-pkcs1' }],
      contentEncryption: 'aes-256-cbc',
    })
    const recipient = { key: pki.ecP256.privateKey, certificate: pki.ecP256.certificateDer }
    fc.assert(
      fc.property(mutationOf(original.length), (mutation) => {
        try {
          // CBC is not authenticated: a flip in the last block's IV-adjacent bytes can decrypt to
          // other plaintext. What must hold is: typed errors only; the signature catches the rest.
          decryptCms({ data: mutate(original, mutation), recipient })
        } catch (error) {
          expect(error).toBeInstanceOf(CmsError)
        }
      }),
      { numRuns: 600, seed: 0xcbc },
    )
  })

  it('a tampered SignedData gives a typed result and never verifies other content', () => {
    const original = signCms({
      content,
      signer: { key: pki.ecP256.privateKey, certificate: pki.ecP256.certificateDer },
      at: pki.at,
      detached: false,
    })
    fc.assert(
      fc.property(mutationOf(original.length), (mutation) => {
        const result = verifyCms({
          data: mutate(original, mutation),
          trustAnchors: [pki.ca.certificateDer],
          crls: [pki.crlDer],
          at: pki.at,
        })
        if (result.ok) expect(result.content.equals(content)).toBe(true)
        else expect(typeof result.code).toBe('string')
      }),
      { numRuns: 500, seed: 0x516 },
    )
  })

  it('a tampered S/MIME message gives a typed result; success only with the signed entity intact', () => {
    const original = signAndEncrypt({
      mimeEntity: content,
      signer: { key: pki.ecP256.privateKey, certificate: pki.ecP256.certificateDer },
      recipients: [{ certificate: pki.brainpool.certificateDer, profile: 'modern' }],
      at: pki.at,
    })
    fc.assert(
      fc.property(mutationOf(original.length), (mutation) => {
        const result = decryptAndVerify({
          message: mutate(original, mutation),
          recipient: { key: pki.brainpool.privateKey, certificate: pki.brainpool.certificateDer },
          trustAnchors: [pki.ca.certificateDer],
          crls: [pki.crlDer],
          at: pki.at,
        })
        if (result.ok) expect(result.mimeEntity.equals(content)).toBe(true)
        else expect(result.code).toMatch(/^ERR_CMS_/)
      }),
      { numRuns: 500, seed: 0x5111e },
    )
  })
})
