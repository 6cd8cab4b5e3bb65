import { describe, expect, it } from 'vitest'
import { deriveRecordKey, openRecord, sealRecord } from '../../../crypto/sealed-record.ts'

const key = deriveRecordKey(Buffer.alloc(32, 7), 'brucke test records v1')
const aad = Buffer.from('drf_1|staff-jc')
const nonce = Buffer.alloc(12, 1)
const plaintext = Buffer.from('Regelmäßiger Schulbesuch seit Januar.')

describe('a record sealed at rest (AES-256-GCM)', () => {
  it('opens with the same key and associated data, and holds no plaintext', () => {
    const sealed = sealRecord({ key, plaintext, associatedData: aad, nonce })
    expect(Buffer.from(sealed, 'base64').includes(plaintext)).toBe(false)
    expect(openRecord({ key, sealed, associatedData: aad })).toEqual({ ok: true, plaintext })
  })

  it('derives different keys for different infos', () => {
    expect(deriveRecordKey(Buffer.alloc(32, 7), 'other v1').equals(key)).toBe(false)
  })

  it('gives the same "unreadable" for another key, other associated data, a flipped bit or a cut', () => {
    const sealed = sealRecord({ key, plaintext, associatedData: aad, nonce })
    const bytes = Buffer.from(sealed, 'base64')
    const flipped = Buffer.from(bytes)
    flipped[20] = (flipped[20] ?? 0) ^ 1
    const unreadable = { ok: false, reason: 'unreadable' }
    expect(
      openRecord({ key: deriveRecordKey(Buffer.alloc(32, 8), 'x'), sealed, associatedData: aad }),
    ).toEqual(unreadable)
    expect(openRecord({ key, sealed, associatedData: Buffer.from('drf_2|staff-jc') })).toEqual(
      unreadable,
    )
    expect(openRecord({ key, sealed: flipped.toString('base64'), associatedData: aad })).toEqual(
      unreadable,
    )
    expect(
      openRecord({ key, sealed: bytes.subarray(0, 20).toString('base64'), associatedData: aad }),
    ).toEqual(unreadable)
  })
})
