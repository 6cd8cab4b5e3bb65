import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPkcs12, writePkcs12 } from '../../../crypto/pkcs12.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../../support/test-pki.ts'

// PKCS#12 files are made and read by the real `openssl pkcs12`, so both directions are checked
// against the tool agencies actually use to move their keys.

function openssl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('openssl', args, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

let pki: TestPki
let dir: string

beforeAll(async () => {
  pki = await createTestPki()
  dir = await mkdtemp(join(tmpdir(), 'brucke-pkcs12-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function exportWithOpenssl(identity: TestIdentity, passphrase: string, extra: string[] = []) {
  const key = join(dir, `${identity.name}.key.pem`)
  const cert = join(dir, `${identity.name}.cert.pem`)
  const ca = join(dir, 'ca.pem')
  const out = join(dir, `${identity.name}-${extra.length}.p12`)
  await writeFile(key, identity.privateKeyPem)
  await writeFile(cert, identity.certificatePem)
  await writeFile(ca, pki.ca.certificatePem)
  const result = await openssl([
    'pkcs12',
    '-export',
    '-inkey',
    key,
    '-in',
    cert,
    '-certfile',
    ca,
    '-passout',
    `pass:${passphrase}`,
    '-out',
    out,
    ...extra,
  ])
  expect(result.stderr).toBe('')
  return readFile(out)
}

describe('PKCS#12 import', () => {
  it.each(['rsa', 'ecP256', 'brainpool'] as const)(
    'when openssl exports a %s identity with its CA, then Brücke reads the certificate, key and chain',
    async (name) => {
      const identity = pki[name]
      const p12 = await exportWithOpenssl(identity, 'geheim 123')
      const contents = readPkcs12(p12, 'geheim 123')
      expect(contents.certificate.equals(identity.certificateDer)).toBe(true)
      expect(contents.chain).toHaveLength(1)
      expect(contents.chain[0]?.equals(pki.ca.certificateDer)).toBe(true)
      expect(contents.privateKey.export({ type: 'pkcs8', format: 'der' })).toEqual(
        identity.privateKey.export({ type: 'pkcs8', format: 'der' }),
      )
    },
  )

  it('when the file uses the older PBE-SHA1-3DES and a SHA-1 MAC, then it is still read', async () => {
    const p12 = await exportWithOpenssl(pki.rsaPeer, 'alt', [
      '-keypbe',
      'PBE-SHA1-3DES',
      '-certpbe',
      'PBE-SHA1-3DES',
      '-macalg',
      'sha1',
    ])
    const contents = readPkcs12(p12, 'alt')
    expect(contents.certificate.equals(pki.rsaPeer.certificateDer)).toBe(true)
  })

  it('when the passphrase is wrong, then it fails with ERR_KEY_WRONG_PASSPHRASE', async () => {
    const p12 = await exportWithOpenssl(pki.rsa, 'right')
    expect(() => readPkcs12(p12, 'wrong')).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_WRONG_PASSPHRASE' }),
    )
  })

  it('when the file is garbage, empty or truncated, then it fails with ERR_KEY_MALFORMED', async () => {
    const p12 = await exportWithOpenssl(pki.ecP256, 'x')
    for (const bytes of [
      Buffer.from('garbage'),
      Buffer.alloc(0),
      p12.subarray(0, p12.length / 2),
    ]) {
      expect(() => readPkcs12(bytes, 'x')).toThrow(
        expect.objectContaining({ code: 'ERR_KEY_MALFORMED' }),
      )
    }
  })

  it('when the file holds a key without its certificate, then it fails with ERR_KEY_MISMATCH', async () => {
    const key = join(dir, 'mismatch.key.pem')
    const cert = join(dir, 'mismatch.cert.pem')
    const out = join(dir, 'mismatch.p12')
    await writeFile(key, pki.rsa.privateKeyPem)
    await writeFile(cert, pki.rsaPeer.certificatePem)
    // -nocerts then add a foreign cert via -certfile: openssl itself refuses a mismatching -in.
    await openssl([
      'pkcs12',
      '-export',
      '-inkey',
      key,
      '-nocerts',
      '-certfile',
      cert,
      '-passout',
      'pass:p',
      '-out',
      out,
    ])
    const bytes = await readFile(out)
    expect(() => readPkcs12(bytes, 'p')).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_MISMATCH' }),
    )
  })
})

describe('PKCS#12 export', () => {
  it('when Brücke writes a PKCS#12 file, then openssl reads its certificates and the same key', async () => {
    const p12 = writePkcs12({
      certificate: pki.rsa.certificateDer,
      chain: [pki.ca.certificateDer],
      privateKey: pki.rsa.privateKey,
      passphrase: 'demo-passphrase',
      friendlyName: 'rsa',
    })
    const path = join(dir, 'written.p12')
    await writeFile(path, p12)
    const certs = await openssl([
      'pkcs12',
      '-in',
      path,
      '-nokeys',
      '-passin',
      'pass:demo-passphrase',
    ])
    expect(certs.code).toBe(0)
    expect(certs.stdout).toContain(pki.rsa.certificatePem.split('\n')[1])
    expect(certs.stdout).toContain(pki.ca.certificatePem.split('\n')[1])
    const keys = await openssl([
      'pkcs12',
      '-in',
      path,
      '-nocerts',
      '-nodes',
      '-passin',
      'pass:demo-passphrase',
    ])
    expect(keys.code).toBe(0)
    expect(keys.stdout).toContain(pki.rsa.privateKeyPem.split('\n')[1])
    const wrong = await openssl(['pkcs12', '-in', path, '-nokeys', '-passin', 'pass:nope'])
    expect(wrong.code).not.toBe(0)
    const back = readPkcs12(p12, 'demo-passphrase')
    expect(back.certificate.equals(pki.rsa.certificateDer)).toBe(true)
  })

  it('when the key is EC or does not match the certificate, then export fails with a typed error', () => {
    expect(() =>
      writePkcs12({
        certificate: pki.ecP256.certificateDer,
        privateKey: pki.ecP256.privateKey,
        passphrase: 'p',
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_KEY_UNSUPPORTED' }))
    expect(() =>
      writePkcs12({
        certificate: pki.rsaPeer.certificateDer,
        privateKey: pki.rsa.privateKey,
        passphrase: 'p',
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_KEY_MISMATCH' }))
  })
})
