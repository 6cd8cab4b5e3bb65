import { createPublicKey } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { decryptCms } from '../../crypto/cms-decrypt.ts'
import { verifyCms } from '../../crypto/cms-verify.ts'
import { decryptAndVerify, signAndEncrypt, signAndEncryptWithCopy } from '../../crypto/smime.ts'
import {
  canonicalizeMimeEntity,
  parseSmimeEntity,
  wrapMultipartSigned,
  wrapPkcs7Mime,
} from '../../crypto/smime-message.ts'
import { describeWithTools, makeTempDir, run, runOk } from '../support/interop-tools.ts'
import { createTestPki } from '../support/test-pki.ts'
import type { IssuedForPublicKey, TestPki } from '../support/test-pki.ts'

// Brücke ↔ GnuPG's gpgsm 2.2 (compatible profile: AES-256-CBC, RSA PKCS#1 v1.5). gpgsm keeps its
// own key: it generates key + CSR in a throw-away GNUPGHOME, the test CA certifies the CSR's key,
// and gpgsm is told to trust the CA (trustlist.txt) and to skip CRL fetching.

const peerEmail = 'gpgsm-peer@test.brucke.invalid'
const entity = canonicalizeMimeEntity(
  Buffer.from(
    'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nFallkonferenz: Einwilligung nach § 67b SGB X liegt vor.\n',
  ),
)

describeWithTools(['gpgsm', 'gpgconf', 'openssl'], 'interop with gpgsm', () => {
  let pki: TestPki
  let dir: { path: string; remove: () => Promise<void> }
  let home: string
  let peer: IssuedForPublicKey
  const file = (name: string) => join(dir.path, name)
  const gpgsm = (args: string[], input?: Uint8Array | string) =>
    runOk(
      'gpgsm',
      [
        '--batch',
        '--disable-crl-checks',
        '--pinentry-mode',
        'loopback',
        '--passphrase-fd',
        '0',
        ...args,
      ],
      { env: { GNUPGHOME: home }, input: input ?? '\n' },
    )

  beforeAll(async () => {
    pki = await createTestPki()
    dir = await makeTempDir('gpgsm')
    home = file('gnupg')
    await mkdir(home, { mode: 0o700 })
    await writeFile(join(home, 'gpg-agent.conf'), 'allow-loopback-pinentry\n')
    await writeFile(
      file('key-params'),
      [
        'Key-Type: RSA',
        'Key-Length: 2048',
        'Key-Usage: sign, encrypt',
        'Name-DN: CN=gpgsm peer,O=Bruecke Test,C=DE',
        `Name-Email: ${peerEmail}`,
        '',
      ].join('\n'),
    )
    const csr = await gpgsm(['--armor', '--gen-key', file('key-params')])
    await writeFile(file('peer.csr'), csr.stdout)
    // The CSR's self-signature proves gpgsm holds the key; then the test CA certifies it.
    await runOk('openssl', ['req', '-in', file('peer.csr'), '-verify', '-noout'])
    const publicKeyPem = await runOk('openssl', [
      'req',
      '-in',
      file('peer.csr'),
      '-pubkey',
      '-noout',
    ])
    peer = pki.issue({
      name: 'gpgsm-peer',
      email: peerEmail,
      publicKey: createPublicKey(publicKeyPem.stdout),
    })
    await writeFile(file('ca.pem'), pki.ca.certificatePem)
    await writeFile(file('peer.pem'), peer.certificatePem)
    await writeFile(file('brucke.pem'), pki.rsa.certificatePem)
    for (const name of ['ca.pem', 'peer.pem', 'brucke.pem']) await gpgsm(['--import', file(name)])
    const fingerprint = await runOk('openssl', [
      'x509',
      '-in',
      file('ca.pem'),
      '-noout',
      '-fingerprint',
      '-sha1',
    ])
    const colonHex = fingerprint.stdout.toString().trim().split('=')[1] ?? ''
    await writeFile(join(home, 'trustlist.txt'), `${colonHex} S relax\n`)
  })

  afterAll(async () => {
    await run('gpgconf', ['--kill', 'gpg-agent'], { env: { GNUPGHOME: home } })
    if (!process.env.KEEP_INTEROP_FILES) await dir.remove()
  })

  it('gpgsm decrypts and verifies what Brücke sends with the compatible profile', async () => {
    const message = signAndEncrypt({
      mimeEntity: entity,
      signer: { key: pki.rsa.privateKey, certificate: pki.rsa.certificateDer },
      recipients: [{ certificate: peer.certificateDer, profile: 'compatible' }],
      at: pki.at,
    })
    const outer = parseSmimeEntity(message)
    expect(outer).toMatchObject({ kind: 'pkcs7-mime', smimeType: 'enveloped-data' })
    if (outer.kind !== 'pkcs7-mime') return
    await writeFile(file('to-gpgsm.p7m'), outer.der)
    const decrypted = await gpgsm([
      '--output',
      file('from-brucke.eml'),
      '--decrypt',
      file('to-gpgsm.p7m'),
    ])
    expect(decrypted.code).toBe(0)
    const inner = parseSmimeEntity(await readBytes(file('from-brucke.eml')))
    expect(inner.kind).toBe('multipart-signed')
    if (inner.kind !== 'multipart-signed') return
    expect(inner.signedContent.equals(entity)).toBe(true)
    await writeFile(file('from-brucke.p7s'), inner.signatureDer)
    await writeFile(file('from-brucke.content'), inner.signedContent)
    const verified = await gpgsm([
      '--status-fd',
      '1',
      '--verify',
      file('from-brucke.p7s'),
      file('from-brucke.content'),
    ])
    const status = verified.stdout.toString()
    expect(status).toContain('[GNUPG:] GOODSIG')
    expect(status).toContain('[GNUPG:] VALIDSIG')
  })

  it('gpgsm decrypts a transfer also encrypted to the sender (two RecipientInfos), and the sender opens its copy', async () => {
    const { message, copy } = signAndEncryptWithCopy({
      mimeEntity: entity,
      signer: { key: pki.rsa.privateKey, certificate: pki.rsa.certificateDer },
      recipients: [
        { certificate: peer.certificateDer, profile: 'compatible' },
        { certificate: pki.rsa.certificateDer, profile: 'compatible' },
      ],
      at: pki.at,
      copyFor: 1,
    })
    const outer = parseSmimeEntity(message)
    if (outer.kind !== 'pkcs7-mime') throw new Error('not an S/MIME envelope')
    await writeFile(file('to-gpgsm-both.p7m'), outer.der)
    const decrypted = await gpgsm([
      '--output',
      file('from-brucke-both.eml'),
      '--decrypt',
      file('to-gpgsm-both.p7m'),
    ])
    expect(decrypted.code).toBe(0)
    const inner = parseSmimeEntity(await readBytes(file('from-brucke-both.eml')))
    expect(inner.kind === 'multipart-signed' && inner.signedContent.equals(entity)).toBe(true)
    const own = decryptAndVerify({
      message: copy,
      recipient: { key: pki.rsa.privateKey, certificate: pki.rsa.certificateDer },
      trustAnchors: [pki.ca.certificateDer],
      crls: [pki.crlDer],
      at: pki.at,
    })
    expect(own.ok && own.mimeEntity.equals(entity)).toBe(true)
  })

  it('Brücke decrypts and verifies what gpgsm signs (detached) and encrypts (AES-256-CBC)', async () => {
    await writeFile(file('entity.eml'), entity)
    await gpgsm([
      '--local-user',
      peerEmail,
      '--output',
      file('gpgsm.p7s'),
      '--detach-sign',
      file('entity.eml'),
    ])
    const signed = wrapMultipartSigned(entity, await readBytes(file('gpgsm.p7s')))
    await writeFile(file('signed.eml'), signed)
    await gpgsm([
      '--recipient',
      pki.rsa.email,
      '--cipher-algo',
      'AES256',
      '--output',
      file('gpgsm.p7m'),
      '--encrypt',
      file('signed.eml'),
    ])
    const message = wrapPkcs7Mime(await readBytes(file('gpgsm.p7m')), 'enveloped-data')
    const result = decryptAndVerify({
      message,
      recipient: { key: pki.rsa.privateKey, certificate: pki.rsa.certificateDer },
      trustAnchors: [pki.ca.certificateDer],
      crls: [pki.crlDer],
      expectedSenderEmail: peerEmail,
      at: pki.at,
    })
    expect(result).toMatchObject({ ok: true, signer: { email: peerEmail } })
    if (result.ok) expect(result.mimeEntity.equals(entity)).toBe(true)
  })

  it('Brücke reads gpgsm opaque signatures and its default cipher (AES-128-CBC)', async () => {
    await gpgsm([
      '--local-user',
      peerEmail,
      '--output',
      file('opaque.p7m'),
      '--sign',
      file('entity.eml'),
    ])
    const verified = verifyCms({
      data: await readBytes(file('opaque.p7m')),
      trustAnchors: [pki.ca.certificateDer],
      crls: [pki.crlDer],
      at: pki.at,
    })
    expect(verified).toMatchObject({ ok: true, signer: { email: peerEmail } })
    if (verified.ok) expect(verified.content.equals(entity)).toBe(true)
    await gpgsm([
      '--recipient',
      pki.rsa.email,
      '--output',
      file('default.p7m'),
      '--encrypt',
      file('entity.eml'),
    ])
    const decrypted = decryptCms({
      data: await readBytes(file('default.p7m')),
      recipient: { key: pki.rsa.privateKey, certificate: pki.rsa.certificateDer },
    })
    expect(decrypted.content.equals(entity)).toBe(true)
  })
})

function readBytes(path: string): Promise<Buffer> {
  return readFile(path)
}
