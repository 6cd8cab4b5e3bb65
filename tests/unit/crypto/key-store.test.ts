import { randomBytes, sign, verify } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { createKeyStore } from '../../../crypto/key-store.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestPki } from '../../support/test-pki.ts'

let pki: TestPki

beforeAll(async () => {
  pki = await createTestPki()
})

describe('key store', () => {
  const masterKey = randomBytes(32)

  it.each(['rsa', 'ecP256', 'brainpool'] as const)(
    'when a %s key is sealed and opened with the same master key, then it signs like the original',
    (name) => {
      const store = createKeyStore(masterKey)
      const sealed = store.seal(pki[name].privateKey)
      expect(sealed).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----')
      expect(sealed).not.toContain(pki[name].privateKeyPem.split('\n')[1])
      const opened = store.open(sealed)
      const signature = sign('sha256', Buffer.from('probe'), opened)
      expect(verify('sha256', Buffer.from('probe'), pki[name].publicKey, signature)).toBe(true)
      expect(opened.export({ type: 'pkcs8', format: 'der' })).toEqual(
        pki[name].privateKey.export({ type: 'pkcs8', format: 'der' }),
      )
    },
  )

  it('when a key is opened with another master key, then it fails with ERR_KEY_WRONG_MASTER_KEY', () => {
    const sealed = createKeyStore(masterKey).seal(pki.rsa.privateKey)
    // Many different wrong keys: none may yield a key (AES-CBC padding could pass by chance).
    for (let attempt = 0; attempt < 50; attempt += 1) {
      expect(() => createKeyStore(randomBytes(32)).open(sealed)).toThrow(
        expect.objectContaining({ code: 'ERR_KEY_WRONG_MASTER_KEY' }),
      )
    }
  })

  it('when the sealed key is sealed twice, then the ciphertexts differ (fresh salt and IV)', () => {
    const store = createKeyStore(masterKey)
    expect(store.seal(pki.ecP256.privateKey)).not.toBe(store.seal(pki.ecP256.privateKey))
  })

  it('when the stored text is an unencrypted key, then it fails with ERR_KEY_MALFORMED', () => {
    expect(() => createKeyStore(masterKey).open(pki.rsa.privateKeyPem)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_MALFORMED' }),
    )
  })

  it('when the master key is shorter than 32 bytes, then it fails with ERR_KEY_WEAK_MASTER_KEY', () => {
    expect(() => createKeyStore(randomBytes(16))).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_WEAK_MASTER_KEY' }),
    )
  })

  it('when a public key is sealed, then it fails with ERR_KEY_UNSUPPORTED', () => {
    expect(() => createKeyStore(masterKey).seal(pki.rsa.publicKey)).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_UNSUPPORTED' }),
    )
  })
})
