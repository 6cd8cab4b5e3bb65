import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  auditKeyPairFromSeed,
  signCheckpoint,
  verifyCheckpointSignature,
} from '../../../audit/checkpoint.ts'

const key = auditKeyPairFromSeed(Buffer.alloc(32, 7))
const root = 'ab'.repeat(32)
const at = new Date('2026-03-02T09:00:00.000Z')

describe('signed checkpoints', () => {
  it('derives the same Ed25519 key from the same seed and a different one from another', () => {
    expect(auditKeyPairFromSeed(Buffer.alloc(32, 7)).publicKeyBase64).toBe(key.publicKeyBase64)
    expect(auditKeyPairFromSeed(Buffer.alloc(32, 8)).publicKeyBase64).not.toBe(key.publicKeyBase64)
    expect(key.publicKey.asymmetricKeyType).toBe('ed25519')
  })

  it('when signed with the audit key, then the signature verifies against the trusted key', () => {
    const checkpoint = signCheckpoint({ treeSize: 42, rootHash: root, at, key })
    expect(checkpoint).toMatchObject({ treeSize: 42, rootHash: root, at: at.toISOString() })
    expect(verifyCheckpointSignature(checkpoint, [key.publicKeyBase64])).toEqual({ ok: true })
  })

  it('when size, root or time is altered, then the signature no longer verifies', () => {
    const checkpoint = signCheckpoint({ treeSize: 42, rootHash: root, at, key })
    for (const altered of [
      { ...checkpoint, treeSize: 41 },
      { ...checkpoint, rootHash: 'cd'.repeat(32) },
      { ...checkpoint, at: '2026-03-02T09:00:01.000Z' },
    ]) {
      expect(verifyCheckpointSignature(altered, [key.publicKeyBase64])).toMatchObject({
        ok: false,
        code: 'bad_signature',
      })
    }
  })

  it('when re-signed with a key of someone else, then it is refused as untrusted', () => {
    const other = auditKeyPairFromSeed(Buffer.alloc(32, 9))
    const forged = signCheckpoint({ treeSize: 42, rootHash: root, at, key: other })
    expect(verifyCheckpointSignature(forged)).toEqual({ ok: true })
    expect(verifyCheckpointSignature(forged, [key.publicKeyBase64])).toMatchObject({
      ok: false,
      code: 'untrusted_key',
    })
  })

  it('when the public key is not Ed25519, then the checkpoint is refused', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const checkpoint = signCheckpoint({ treeSize: 1, rootHash: root, at, key })
    const withEc = {
      ...checkpoint,
      publicKey: ec.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    }
    expect(verifyCheckpointSignature(withEc)).toMatchObject({ ok: false, code: 'bad_signature' })
  })
})
