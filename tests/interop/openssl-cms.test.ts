import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RecipientProfile } from '../../crypto/recipient-profile.ts'
import { decryptAndVerify, signAndEncrypt } from '../../crypto/smime.ts'
import { canonicalizeMimeEntity } from '../../crypto/smime-message.ts'
import { describeWithTools, makeTempDir, runOk } from '../support/interop-tools.ts'
import { createTestPki } from '../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../support/test-pki.ts'

// Brücke ↔ `openssl cms`, both directions, both profiles, RSA / P-256 / brainpool recipients.
// The PKI is generated per run; OpenSSL verifies at the test clock (-attime) with the test CRL.

const entity = canonicalizeMimeEntity(
  Buffer.from(
    [
      'Content-Type: multipart/mixed; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Übergabebogen: Hilfeplanung, Zweckbindung nach § 78 SGB X.',
      '--inner--',
      '',
    ].join('\n'),
  ),
)

describeWithTools(['openssl'], 'interop with openssl cms', () => {
  let pki: TestPki
  let dir: { path: string; remove: () => Promise<void> }
  const file = (name: string) => join(dir.path, name)

  beforeAll(async () => {
    pki = await createTestPki()
    dir = await makeTempDir('openssl')
    await writeFile(file('ca.pem'), pki.ca.certificatePem)
    // openssl cms reads CRLs from the trust store file, next to the CA.
    await writeFile(file('ca-crl.pem'), pki.ca.certificatePem + pki.crlPem)
    for (const identity of [pki.rsa, pki.rsaPeer, pki.ecP256, pki.brainpool]) {
      await writeFile(file(`${identity.name}.pem`), identity.certificatePem)
      await writeFile(file(`${identity.name}.key`), identity.privateKeyPem, { mode: 0o600 })
    }
  })
  afterAll(async () => {
    if (!process.env.KEEP_INTEROP_FILES) await dir.remove()
  })

  const attime = () => String(Math.floor(pki.at.getTime() / 1000))

  // Without -binary: OpenSSL then reads the multipart/signed part canonically (CRLF), as MUAs do.
  async function opensslVerify(signedFile: string): Promise<Buffer> {
    const verified = await runOk('openssl', [
      'cms',
      '-verify',
      '-in',
      signedFile,
      '-CAfile',
      file('ca-crl.pem'),
      '-crl_check',
      '-attime',
      attime(),
      '-purpose',
      'smimesign',
    ])
    return verified.stdout
  }

  const outbound: [
    string,
    (p: TestPki) => TestIdentity,
    RecipientProfile,
    'multipart' | 'opaque',
  ][] = [
    ['RSA, modern (AES-256-GCM, RSA-OAEP)', (p) => p.rsa, 'modern', 'multipart'],
    ['RSA, compatible (AES-256-CBC, PKCS#1 v1.5)', (p) => p.rsa, 'compatible', 'opaque'],
    ['EC P-256, modern (AES-256-GCM, ECDH)', (p) => p.ecP256, 'modern', 'multipart'],
    ['EC P-256, compatible (AES-256-CBC, ECDH)', (p) => p.ecP256, 'compatible', 'multipart'],
    ['brainpoolP256r1, modern', (p) => p.brainpool, 'modern', 'opaque'],
    ['brainpoolP256r1, compatible', (p) => p.brainpool, 'compatible', 'multipart'],
  ]
  for (const [label, pick, profile, signatureForm] of outbound) {
    it(`openssl decrypts and verifies what Brücke sends to ${label}`, async () => {
      const recipient = pick(pki)
      const signer = recipient === pki.rsa ? pki.ecP256 : pki.rsa
      const message = signAndEncrypt({
        mimeEntity: entity,
        signer: { key: signer.privateKey, certificate: signer.certificateDer },
        recipients: [{ certificate: recipient.certificateDer, profile }],
        at: pki.at,
        signatureForm,
      })
      const name = `out-${recipient.name}-${profile}`
      await writeFile(file(`${name}.eml`), message)
      await runOk('openssl', [
        'cms',
        '-decrypt',
        '-in',
        file(`${name}.eml`),
        '-out',
        file(`${name}.signed`),
        '-recip',
        file(`${recipient.name}.pem`),
        '-inkey',
        file(`${recipient.name}.key`),
      ])
      const content = await opensslVerify(file(`${name}.signed`))
      expect(content.equals(entity)).toBe(true)
    })
  }

  it('openssl verifies an RSA-PSS signature made by Brücke', async () => {
    const message = signAndEncrypt({
      mimeEntity: entity,
      signer: { key: pki.rsaPeer.privateKey, certificate: pki.rsaPeer.certificateDer },
      recipients: [{ certificate: pki.rsa.certificateDer, profile: 'modern' }],
      at: pki.at,
      rsaScheme: 'rsa-pss',
    })
    await writeFile(file('pss.eml'), message)
    await runOk('openssl', [
      'cms',
      '-decrypt',
      '-in',
      file('pss.eml'),
      '-out',
      file('pss.signed'),
      '-recip',
      file('rsa.pem'),
      '-inkey',
      file('rsa.key'),
    ])
    expect((await opensslVerify(file('pss.signed'))).equals(entity)).toBe(true)
  })

  const inbound: [
    string,
    (p: TestPki) => TestIdentity,
    string[],
    (p: TestPki) => TestIdentity,
    string[],
  ][] = [
    [
      'RSA-OAEP + AES-256-CBC',
      (p) => p.rsa,
      ['-aes256', '-keyopt', 'rsa_padding_mode:oaep'],
      (p) => p.rsaPeer,
      [],
    ],
    [
      'RSA-OAEP + AES-256-GCM',
      (p) => p.rsa,
      ['-aes-256-gcm', '-keyopt', 'rsa_padding_mode:oaep'],
      (p) => p.ecP256,
      ['-nodetach'],
    ],
    ['RSA PKCS#1 v1.5 + AES-256-CBC', (p) => p.rsa, ['-aes256'], (p) => p.brainpool, []],
    [
      'ECDH P-256 + AES-256-GCM',
      (p) => p.ecP256,
      ['-aes-256-gcm'],
      (p) => p.rsaPeer,
      ['-keyopt', 'rsa_padding_mode:pss'],
    ],
    [
      'ECDH P-256 (SHA-256 KDF) + AES-256-CBC',
      (p) => p.ecP256,
      ['-aes256', '-keyopt', 'ecdh_kdf_md:sha256'],
      (p) => p.rsaPeer,
      ['-nodetach'],
    ],
    [
      'ECDH brainpoolP256r1 + AES-256-GCM',
      (p) => p.brainpool,
      ['-aes-256-gcm'],
      (p) => p.rsaPeer,
      [],
    ],
    ['ECDH brainpoolP256r1 + AES-256-CBC', (p) => p.brainpool, ['-aes256'], (p) => p.ecP256, []],
  ]
  for (const [label, pickRecipient, encryptArgs, pickSigner, signArgs] of inbound) {
    it(`Brücke decrypts and verifies what openssl sends with ${label}`, async () => {
      const recipient = pickRecipient(pki)
      const signer = pickSigner(pki)
      const name = `in-${label.replace(/[^A-Za-z0-9]+/g, '-')}`
      await writeFile(file(`${name}.entity`), entity)
      await runOk('openssl', [
        'cms',
        '-sign',
        '-binary',
        '-md',
        'sha256',
        '-in',
        file(`${name}.entity`),
        '-out',
        file(`${name}.signed`),
        '-signer',
        file(`${signer.name}.pem`),
        '-inkey',
        file(`${signer.name}.key`),
        ...signArgs,
      ])
      const opensslRecipientArg = encryptArgs.includes('-keyopt')
        ? ['-recip', file(`${recipient.name}.pem`)]
        : [file(`${recipient.name}.pem`)]
      const encrypted = await runOk('openssl', [
        'cms',
        '-encrypt',
        '-binary',
        '-in',
        file(`${name}.signed`),
        ...encryptArgs.filter((arg) => arg !== '-keyopt' && !arg.includes(':')),
        ...opensslRecipientArg,
        ...keyopts(encryptArgs),
      ])
      const result = decryptAndVerify({
        message: encrypted.stdout,
        recipient: { key: recipient.privateKey, certificate: recipient.certificateDer },
        trustAnchors: [pki.ca.certificateDer],
        crls: [pki.crlDer],
        expectedSenderEmail: signer.email,
        at: pki.at,
      })
      expect(result).toMatchObject({ ok: true, signer: { email: signer.email } })
      if (result.ok) expect(result.mimeEntity.equals(entity)).toBe(true)
    })
  }
})

/** The `-keyopt name:value` pairs of an argument list (they must follow `-recip`). */
function keyopts(args: string[]): string[] {
  const out: string[] = []
  args.forEach((arg, index) => {
    if (arg === '-keyopt' && args[index + 1]) out.push('-keyopt', args[index + 1] as string)
  })
  return out
}
