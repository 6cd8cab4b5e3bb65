import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pkcs11js from 'pkcs11js'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { decryptCms } from '../../crypto/cms-decrypt.ts'
import { pdfSignaturePlaceholder, signPdf } from '../../crypto/pdf-sign.ts'
import type { CmsError } from '../../crypto/errors.ts'
import type { PrivateKeyOperations } from '../../crypto/private-key-operations.ts'
import { decryptAndVerify, signAndEncrypt } from '../../crypto/smime.ts'
import { canonicalizeMimeEntity } from '../../crypto/smime-message.ts'
import { addAgency } from '../../gateway/accounts/account-service.ts'
import {
  addTrustAnchor,
  importAgencyCertificate,
} from '../../gateway/crypto/certificate-service.ts'
import { openPkcs11Token, type Pkcs11Token } from '../../gateway/crypto/pkcs11-token.ts'
import { runBrucke } from '../support/cli.ts'
import { createTestDatabase, dialects } from '../support/databases.ts'
import { describeWithTools, makeTempDir, runOk } from '../support/interop-tools.ts'
import { createSoftHsmToken, softHsmModule, type SoftHsmToken } from '../support/softhsm.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { createTestPki, type IssuedForPublicKey, type TestPki } from '../support/test-pki.ts'

// Agency keys in a PKCS#11 token (issue 19, "Keys in hardware"): a SoftHSM2 token of this test's
// own, RSA-3072 and P-256 keys generated inside it and never extractable; Brücke signs and
// decrypts through the token, OpenSSL checks the other side.

const module = softHsmModule()
if (module === undefined && process.env.CI === 'true') {
  throw new Error('SoftHSM2 module missing in CI — install the softhsm2 package')
}

const mailbox = 'u25@jc-hw.example'
const entity = canonicalizeMimeEntity(
  Buffer.from(
    [
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Übergabebogen, gesiegelt mit einem Schlüssel im Token.',
      '',
    ].join('\n'),
  ),
)

describeWithTools(['openssl', 'softhsm2-util'], 'agency keys in a SoftHSM2 token', () => {
  let dir: { path: string; remove: () => Promise<void> }
  let softhsm: SoftHsmToken
  let token: Pkcs11Token
  let pki: TestPki
  let rsa: PrivateKeyOperations
  let ec: PrivateKeyOperations
  let rsaCertificate: IssuedForPublicKey
  let ecCertificate: IssuedForPublicKey
  const file = (name: string) => join(dir.path, name)
  const attime = () => String(Math.floor(pki.at.getTime() / 1000))

  beforeAll(async () => {
    dir = await makeTempDir('softhsm')
    softhsm = await createSoftHsmToken(dir.path, module ?? '')
    softhsm.generate('rsa-3072', 'jc-hw-rsa', 1)
    softhsm.generate('ec-p256', 'jc-hw-ec', 2)
    token = openPkcs11Token({ module: softhsm.module, tokenLabel: softhsm.label, pin: softhsm.pin })
    rsa = token.keyOperations('jc-hw-rsa') as PrivateKeyOperations
    ec = token.keyOperations('jc-hw-ec') as PrivateKeyOperations
    pki = await createTestPki()
    rsaCertificate = pki.issue({ name: 'jc-hw-rsa', email: mailbox, publicKey: rsa.publicKey })
    ecCertificate = pki.issue({ name: 'jc-hw-ec', email: mailbox, publicKey: ec.publicKey })
    await writeFile(file('ca.pem'), pki.ca.certificatePem)
    await writeFile(file('rsa-peer.pem'), pki.rsaPeer.certificatePem)
    await writeFile(file('rsa-peer.key'), pki.rsaPeer.privateKeyPem, { mode: 0o600 })
    await writeFile(file('jc-hw-rsa.pem'), rsaCertificate.certificatePem)
    await writeFile(file('jc-hw-ec.pem'), ecCertificate.certificatePem)
    await writeFile(file('entity.txt'), entity)
  })
  afterAll(async () => {
    token.close()
    await dir.remove()
  })

  it('when the keys were generated non-extractable, then the token shows their public parts and refuses the private ones', () => {
    expect(rsa.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072)
    expect(ec.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    const listed = token.listKeys()
    expect(listed.map((key) => [key.label, key.keyType, key.sensitive, key.extractable])).toEqual(
      expect.arrayContaining([
        ['jc-hw-rsa', 'rsa', true, false],
        ['jc-hw-ec', 'ec', true, false],
      ]),
    )
    expect(softhsm.readPrivateAttribute('jc-hw-rsa', pkcs11js.CKA_PRIVATE_EXPONENT)).toBe(
      'CKR_ATTRIBUTE_SENSITIVE',
    )
    expect(softhsm.readPrivateAttribute('jc-hw-ec', pkcs11js.CKA_VALUE)).toBe(
      'CKR_ATTRIBUTE_SENSITIVE',
    )
    // The public modulus is readable and is the certificate's.
    const modulus = softhsm.readPrivateAttribute('jc-hw-rsa', pkcs11js.CKA_MODULUS)
    expect(Buffer.isBuffer(modulus) && modulus.length).toBe(384)
  })

  /** What the relay does when sealing: sign through the token, encrypt to a peer with a file key. */
  async function sealAndCheckWithOpenssl(
    signer: PrivateKeyOperations,
    certificatePem: string,
    name: string,
    rsaScheme?: 'rsa-pss',
  ): Promise<Buffer> {
    const sealed = signAndEncrypt({
      mimeEntity: entity,
      signer: { key: signer, certificate: pemToDer(certificatePem) },
      recipients: [{ certificate: pki.rsaPeer.certificateDer, profile: 'modern' }],
      at: pki.at,
      ...(rsaScheme ? { rsaScheme } : {}),
    })
    await writeFile(file(`${name}.eml`), sealed)
    await runOk('openssl', [
      'cms',
      '-decrypt',
      '-in',
      file(`${name}.eml`),
      '-out',
      file(`${name}.signed`),
      '-recip',
      file('rsa-peer.pem'),
      '-inkey',
      file('rsa-peer.key'),
    ])
    const verified = await runOk('openssl', [
      'cms',
      '-verify',
      '-in',
      file(`${name}.signed`),
      '-CAfile',
      file('ca.pem'),
      '-attime',
      attime(),
      '-purpose',
      'smimesign',
    ])
    return verified.stdout
  }

  it('when the RSA-3072 key in the token signs an S/MIME message (PKCS#1 v1.5), then openssl cms -verify accepts it', async () => {
    const content = await sealAndCheckWithOpenssl(rsa, rsaCertificate.certificatePem, 'rsa-pkcs1')
    expect(content.equals(entity)).toBe(true)
  })

  it('when the RSA-3072 key in the token signs with RSASSA-PSS, then openssl cms -verify accepts it', async () => {
    const content = await sealAndCheckWithOpenssl(
      rsa,
      rsaCertificate.certificatePem,
      'rsa-pss',
      'rsa-pss',
    )
    expect(content.equals(entity)).toBe(true)
  })

  it('when the P-256 key in the token signs (ECDSA, r||s turned into DER), then openssl cms -verify accepts it', async () => {
    const content = await sealAndCheckWithOpenssl(ec, ecCertificate.certificatePem, 'ecdsa')
    expect(content.equals(entity)).toBe(true)
  })

  it('when the token key seals a receipt PDF (PAdES, CAdES attributes), then openssl verifies the CMS over the byte range', async () => {
    const { byteRange, contentsBytes } = pdfSignaturePlaceholder
    const pdf = Buffer.from(
      `%PDF-1.7\n1 0 obj\n<<\n/Type /Sig\n/ByteRange ${byteRange}\n/Contents <${'0'.repeat(contentsBytes * 2)}>\n>>\nendobj\ntrailer\n%%EOF\n`,
      'latin1',
    )
    const sealed = signPdf({
      pdf,
      signer: { key: rsa, certificate: rsaCertificate.certificateDer },
      at: pki.at,
    })
    const text = sealed.toString('latin1')
    const [start, end] = (/\/ByteRange \[0 (\d+) (\d+) /.exec(text)?.slice(1) ?? []).map(Number)
    if (start === undefined || end === undefined) throw new Error('no byte range')
    await writeFile(
      file('receipt.signed-bytes'),
      Buffer.concat([sealed.subarray(0, start), sealed.subarray(end)]),
    )
    await writeFile(file('receipt.p7s'), Buffer.from(text.slice(start + 1, end - 1), 'hex'))
    await runOk('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      file('receipt.p7s'),
      '-content',
      file('receipt.signed-bytes'),
      '-CAfile',
      file('ca.pem'),
      '-attime',
      attime(),
      '-purpose',
      'any',
      '-out',
      file('receipt.out'),
    ])
  })

  it('when the token drops the login (logged out elsewhere in the process), then the next signature logs in again once and succeeds', async () => {
    softhsm.logOut()
    const content = await sealAndCheckWithOpenssl(rsa, rsaCertificate.certificatePem, 'relogin')
    expect(content.equals(entity)).toBe(true)
  })

  async function opensslEncrypt(recipientPem: string, args: string[]): Promise<Buffer> {
    const encrypted = await runOk('openssl', [
      'cms',
      '-encrypt',
      '-binary',
      '-outform',
      'DER',
      '-in',
      file('entity.txt'),
      ...args.filter((arg) => !arg.includes(':') && arg !== '-keyopt'),
      '-recip',
      file(recipientPem),
      ...args.flatMap((arg, index) =>
        arg === '-keyopt' && args[index + 1] ? ['-keyopt', args[index + 1] as string] : [],
      ),
    ])
    return encrypted.stdout
  }

  const rsaTransports: [string, string[]][] = [
    ['PKCS#1 v1.5 key transport (CKM_RSA_PKCS)', ['-aes256']],
    [
      'RSA-OAEP with SHA-1 (CKM_RSA_PKCS_OAEP)',
      ['-aes-256-gcm', '-keyopt', 'rsa_padding_mode:oaep'],
    ],
    // SoftHSM2 offers OAEP with SHA-1 only: raw RSA in the token, OAEP decoded outside.
    [
      'RSA-OAEP with SHA-256 (the modern profile)',
      ['-aes-256-gcm', '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256'],
    ],
  ]
  for (const [label, args] of rsaTransports) {
    it(`when openssl encrypts to the token's RSA certificate with ${label}, then Brücke decrypts through the token`, async () => {
      const der = await opensslEncrypt('jc-hw-rsa.pem', args)
      const decrypted = decryptCms({
        data: der,
        recipient: { key: rsa, certificate: rsaCertificate.certificateDer },
      })
      expect(decrypted.content.equals(entity)).toBe(true)
    })
  }

  it("when openssl encrypts to the token's P-256 certificate (ECDH), then Brücke decrypts through the token", async () => {
    const der = await opensslEncrypt('jc-hw-ec.pem', ['-aes-256-gcm'])
    const decrypted = decryptCms({
      data: der,
      recipient: { key: ec, certificate: ecCertificate.certificateDer },
    })
    expect(decrypted.content.equals(entity)).toBe(true)
  })

  it('when the wrapped key of a PKCS#1 v1.5 message is altered, then the token path fails as ERR_CMS_DECRYPT like a key in memory', async () => {
    const der = await opensslEncrypt('jc-hw-rsa.pem', ['-aes256'])
    // The encrypted key is the 384-byte OCTET STRING after the rsaEncryption AlgorithmIdentifier.
    const at = der.indexOf(Buffer.from('04820180', 'hex'))
    expect(at).toBeGreaterThan(0)
    const tampered = Buffer.from(der)
    tampered[at + 4 + 10] = (tampered[at + 4 + 10] as number) ^ 0xff
    expect(() =>
      decryptCms({
        data: tampered,
        recipient: { key: rsa, certificate: rsaCertificate.certificateDer },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CMS_DECRYPT' }) as CmsError)
  })

  it('when `brucke cert token-keys` runs, then it lists the keys with their flags and users, names a missing label and exits 1; a wrong PIN is a clear message', async () => {
    const database = await createTestDatabase('sqlite', { migrate: false })
    try {
      await writeFile(file('cli-pin'), softhsm.pin, { mode: 0o600 })
      await writeFile(file('wrong-pin'), 'not-the-pin', { mode: 0o600 })
      const env = {
        BRUCKE_DEMO: 'false',
        BRUCKE_MASTER_KEY: Buffer.alloc(32, 5).toString('base64'),
        BRUCKE_TOKEN_KEY: Buffer.alloc(32, 6).toString('base64'),
        DATABASE_URL: database.url,
        BRUCKE_DATA_DIR: file('cli-data'),
        PKCS11_MODULE: softhsm.module,
        PKCS11_TOKEN_LABEL: softhsm.label,
        PKCS11_PIN_FILE: file('cli-pin'),
        PKCS11_AGENCY_KEYS: 'jc-hw=jc-hw-rsa, ghost=no-such-label',
      }
      const listed = await runBrucke(['cert', 'token-keys'], { env })
      expect(listed.stdout).toMatch(
        /jc-hw-rsa .*rsa 3072 bit .*sensitive, not extractable, sign, decrypt; used by jc-hw/,
      )
      expect(listed.stdout).toMatch(
        /jc-hw-ec .*ec P-256 .*sensitive, not extractable, sign, .*derive; unused/,
      )
      expect(listed.stderr).toContain(
        'ghost: the token holds no private key labelled "no-such-label"',
      )
      expect(listed.code).toBe(1)
      const wrongPin = await runBrucke(['cert', 'token-keys'], {
        env: { ...env, PKCS11_PIN_FILE: file('wrong-pin'), PKCS11_AGENCY_KEYS: 'jc-hw=jc-hw-rsa' },
      })
      expect(wrongPin.stderr).toContain('cannot log in to the token (CKR_PIN_INCORRECT)')
      expect(wrongPin.stderr).not.toContain('not-the-pin')
      expect(wrongPin.code).toBe(1)
      const unmapped = await runBrucke(['cert', 'token-keys'], {
        env: { ...env, PKCS11_AGENCY_KEYS: 'jc-hw=jc-hw-rsa', PKCS11_MODULE: '' },
      })
      expect(unmapped.code).not.toBe(0)
      expect(unmapped.stderr).toContain('PKCS11_MODULE')
    } finally {
      await database.drop()
    }
    // Three real `brucke` processes, each loading the whole CLI on a shared machine.
  }, 120_000)

  describe.each(dialects)('the relay keyring on %s', (dialect) => {
    let t: TestDeps

    beforeEach(async () => {
      const pinFile = file('pin')
      await writeFile(pinFile, `${softhsm.pin}\n`, { mode: 0o600 })
      t = await createTestDeps(dialect, {
        config: {
          pkcs11Module: softhsm.module,
          pkcs11TokenLabel: softhsm.label,
          pkcs11PinFile: pinFile,
          pkcs11AgencyKeys: { 'jc-hw': 'jc-hw-rsa', 'jc-wrong': 'jc-hw-ec', 'jc-none': 'absent' },
        },
      })
      await addTrustAnchor(t.deps, {
        actor: 'system',
        certificate: Buffer.from(pki.ca.certificatePem),
      })
      for (const id of ['jc-hw', 'jc-wrong', 'jc-none', 'jc-file']) {
        const agencyMailbox = id === 'jc-hw' ? mailbox : `u25@${id}.example`
        await addAgency(t.deps, {
          actor: 'system',
          agency: {
            id,
            name: `Jobcenter ${id}`,
            kind: 'jobcenter',
            mailbox: agencyMailbox,
            smimeProfile: 'modern',
          },
        })
        // Each certifies the token's RSA key. The certificate alone is registered: the key
        // stays in the token, the registry holds none.
        const certificate = pki.issue({ name: id, email: agencyMailbox, publicKey: rsa.publicKey })
        await importAgencyCertificate(t.deps, {
          actor: 'system',
          agencyId: id,
          source: { kind: 'certificate', certificate: Buffer.from(certificate.certificatePem) },
        })
      }
    })
    afterEach(async () => {
      t.deps.relay.hardwareKeys?.close()
      await t.close()
    })

    it('when an agency is mapped to a key label, then its signer signs through the token and the seal verifies', async () => {
      const lookup = await t.deps.relay.keyring.signer('jc-hw', pki.at)
      if (!lookup.ok) throw new Error(`no signer: ${lookup.problem}`)
      const sealed = signAndEncrypt({
        mimeEntity: entity,
        signer: lookup.identity,
        recipients: [{ certificate: pki.rsaPeer.certificateDer, profile: 'modern' }],
        at: pki.at,
      })
      const opened = decryptAndVerify({
        message: sealed,
        recipient: { key: pki.rsaPeer.privateKey, certificate: pki.rsaPeer.certificateDer },
        trustAnchors: [pki.ca.certificateDer],
        crls: [pki.crlDer],
        expectedSenderEmail: mailbox,
        at: pki.at,
      })
      expect(opened).toMatchObject({ ok: true, signer: { email: mailbox } })
    })

    it('when the mapped label is missing, belongs to another key, or the agency is not mapped and has no stored key, then the key is missing', async () => {
      for (const agencyId of ['jc-wrong', 'jc-none', 'jc-file']) {
        expect(await t.deps.relay.keyring.signer(agencyId, pki.at)).toEqual({
          ok: false,
          problem: 'key_missing',
        })
      }
      const logged = t.logLines.join('')
      expect(logged).toContain('does not belong to the certificate')
      expect(logged).toContain('holds no private key with this label')
      expect(logged).not.toContain(softhsm.pin)
    })
  })
})

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
}
