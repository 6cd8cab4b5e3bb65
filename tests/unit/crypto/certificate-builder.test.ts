import { execFile } from 'node:child_process'
import { X509Certificate, generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildCaCertificate,
  buildCertificate,
  buildSmimeCertificate,
} from '../../../crypto/certificate-builder.ts'
import { generateKeyPair } from '../../../crypto/certificate-key-pair.ts'
import { formatSerialNumber } from '../../../crypto/certificate-serial.ts'
import { buildCrl } from '../../../crypto/crl-builder.ts'
import { createTestPki } from '../../support/test-pki.ts'
import type { TestIdentity, TestPki } from '../../support/test-pki.ts'

// The builder is checked against the real tool: OpenSSL parses and verifies what we build.

interface RunResult {
  code: number
  output: string
}

function openssl(args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile('openssl', args, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, output: `${stdout}${stderr}` })
    })
  })
}

let pki: TestPki
let dir: string
let attime: string

async function pemFile(name: string, pem: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, pem)
  return path
}

async function verify(identity: TestIdentity, purpose: string, extra: string[] = []) {
  const ca = await pemFile('ca.pem', pki.ca.certificatePem)
  const cert = await pemFile(`${identity.name}.pem`, identity.certificatePem)
  return openssl(['verify', '-CAfile', ca, '-purpose', purpose, '-attime', attime, ...extra, cert])
}

beforeAll(async () => {
  pki = await createTestPki()
  dir = await mkdtemp(join(tmpdir(), 'brucke-cert-builder-'))
  attime = String(Math.floor(pki.at.getTime() / 1000))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('certificate builder checked with openssl', () => {
  it.each(['rsa', 'rsaPeer', 'ecP256', 'brainpool'] as const)(
    'when the %s identity is verified with -purpose smimesign, then openssl accepts it',
    async (name) => {
      const result = await verify(pki[name], 'smimesign')
      expect(result.output).toContain(': OK')
      expect(result.code).toBe(0)
    },
  )

  it('when an RSA identity is verified with -purpose smimeencrypt and the CRL, then openssl accepts it', async () => {
    const crl = await pemFile('ca.crl.pem', pki.crlPem)
    const result = await verify(pki.rsa, 'smimeencrypt', ['-crl_check', '-CRLfile', crl])
    expect(result.code).toBe(0)
  })

  it('when openssl prints an S/MIME certificate, then it shows the S/MIME profile', async () => {
    const cert = await pemFile('brainpool.pem', pki.brainpool.certificatePem)
    const { code, output } = await openssl(['x509', '-in', cert, '-noout', '-text', '-serial'])
    expect(code).toBe(0)
    expect(output).toContain('Version: 3 (0x2)')
    expect(output).toContain('Issuer: C = DE, O = Br')
    expect(output).toContain('ASN1 OID: brainpoolP256r1')
    expect(output).toMatch(/Key Usage: critical\s+Digital Signature, Key Agreement/)
    expect(output).toMatch(/Extended Key Usage:\s+E-mail Protection/)
    expect(output).toContain('email:brainpool@test.brucke.invalid')
    expect(output).toMatch(/Basic Constraints:\s+CA:FALSE/)
    expect(output).toContain('Subject Key Identifier')
    expect(output).toContain('Authority Key Identifier')
    expect(output).toContain('Not Before: Jan  1 00:00:00 2026 GMT')
    expect(output).toContain('Not After : Jan  1 00:00:00 2028 GMT')
    expect(output).toContain(`serial=${formatSerialNumber(pki.brainpool.serialNumber)}`)
  })

  it('when openssl prints an RSA identity, then keyUsage allows key transport', async () => {
    const cert = await pemFile('rsa.pem', pki.rsa.certificatePem)
    const { output } = await openssl(['x509', '-in', cert, '-noout', '-text'])
    expect(output).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/)
    expect(output).toContain('Public-Key: (3072 bit)')
    expect(output).toContain('Signature Algorithm: sha256WithRSAEncryption')
  })

  it('when openssl prints the CA, then it is a critical CA:TRUE with keyCertSign and cRLSign', async () => {
    const ca = await pemFile('ca.pem', pki.ca.certificatePem)
    const { output } = await openssl(['x509', '-in', ca, '-noout', '-text'])
    expect(output).toMatch(/Basic Constraints: critical\s+CA:TRUE/)
    expect(output).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/)
    const selfCheck = await openssl([
      'verify',
      '-CAfile',
      ca,
      '-check_ss_sig',
      '-attime',
      attime,
      ca,
    ])
    expect(selfCheck.code).toBe(0)
  })

  it('when openssl verifies the CRL against the CA, then the signature holds and it lists the revoked serial', async () => {
    const ca = await pemFile('ca.pem', pki.ca.certificatePem)
    const crl = await pemFile('ca.crl.pem', pki.crlPem)
    const { code, output } = await openssl(['crl', '-in', crl, '-CAfile', ca, '-noout', '-text'])
    expect(code).toBe(0)
    expect(output).toContain('verify OK')
    expect(output).toContain('Version 2')
    expect(output).toContain(
      `Serial Number: ${formatSerialNumber(pki.invalid.revoked.serialNumber)}`,
    )
    expect(output).toContain('Key Compromise')
  })

  it.each([
    ['expired', 'certificate has expired'],
    ['notYetValid', 'certificate is not yet valid'],
    ['wrongKeyUsage', 'unsuitable certificate purpose'],
    ['wrongExtendedKeyUsage', 'unsuitable certificate purpose'],
    ['unknownCa', 'unable to get local issuer certificate'],
  ] as const)(
    'when the %s certificate is verified, then openssl rejects it (%s)',
    async (name, reason) => {
      const result = await verify(pki.invalid[name], 'smimesign')
      expect(result.code).not.toBe(0)
      expect(result.output).toContain(reason)
    },
  )

  it('when the revoked certificate is checked with the CRL, then openssl reports it revoked', async () => {
    const crl = await pemFile('ca.crl.pem', pki.crlPem)
    const withoutCrl = await verify(pki.invalid.revoked, 'smimesign')
    expect(withoutCrl.code).toBe(0)
    const withCrl = await verify(pki.invalid.revoked, 'smimesign', ['-crl_check', '-CRLfile', crl])
    expect(withCrl.code).not.toBe(0)
    expect(withCrl.output).toContain('certificate revoked')
  })

  it('when one byte of the signature is flipped, then openssl and Node reject the certificate', async () => {
    const der = Buffer.from(pki.rsa.certificateDer)
    const last = der.length - 1
    der[last] = (der[last] ?? 0) ^ 0x01
    const tampered = new X509Certificate(der)
    expect(tampered.verify(pki.ca.publicKey)).toBe(false)
    const path = await pemFile('tampered.pem', tampered.toString())
    const ca = await pemFile('ca.pem', pki.ca.certificatePem)
    const result = await openssl(['verify', '-CAfile', ca, '-attime', attime, path])
    expect(result.code).not.toBe(0)
    expect(result.output).toContain('signature failure')
  })

  it('when Node parses the identities, then the issuer signature verifies with native crypto', () => {
    const ca = new X509Certificate(pki.ca.certificateDer)
    expect(ca.ca).toBe(true)
    for (const identity of [pki.rsa, pki.ecP256, pki.brainpool]) {
      const cert = new X509Certificate(identity.certificateDer)
      expect(cert.checkIssued(ca)).toBe(true)
      expect(cert.verify(pki.ca.publicKey)).toBe(true)
      expect(cert.checkPrivateKey(identity.privateKey)).toBe(true)
      expect(cert.subjectAltName).toBe(`email:${identity.email}`)
      expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.4'])
      expect(BigInt(`0x${cert.serialNumber}`)).toBe(identity.serialNumber)
    }
  })
})

describe('certificate builder details', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z')
  const notAfter = new Date('2027-01-01T00:00:00Z')

  it('when a serial number is passed in, then the certificate carries it; otherwise serials are random and positive', async () => {
    const keys = await generateKeyPair('ec-p256')
    const fixed = buildCaCertificate({
      subject: { commonName: 'Fixed' },
      keyPair: keys,
      serialNumber: 0xabcdefn,
      notBefore,
      notAfter,
    })
    expect(new X509Certificate(fixed.der).serialNumber).toBe('ABCDEF')
    const first = buildCaCertificate({
      subject: { commonName: 'A' },
      keyPair: keys,
      notBefore,
      notAfter,
    })
    const second = buildCaCertificate({
      subject: { commonName: 'A' },
      keyPair: keys,
      notBefore,
      notAfter,
    })
    expect(first.serialNumber).not.toBe(second.serialNumber)
    expect(first.serialNumber > 0n).toBe(true)
    expect(new X509Certificate(first.der).serialNumber).toBe(formatSerialNumber(first.serialNumber))
  })

  it('when notAfter lies after 2049, then it is encoded as GeneralizedTime that openssl reads', async () => {
    const keys = await generateKeyPair('ec-p256')
    const built = buildCaCertificate({
      subject: { commonName: 'Long' },
      keyPair: keys,
      notBefore,
      notAfter: new Date('2051-06-01T00:00:00Z'),
    })
    const path = await pemFile('long.pem', built.pem)
    const { output } = await openssl(['x509', '-in', path, '-noout', '-enddate'])
    expect(output.trim()).toBe('notAfter=Jun  1 00:00:00 2051 GMT')
  })

  it('when an intermediate CA issues a certificate, then openssl builds the chain to the root', async () => {
    const intermediateKeys = await generateKeyPair('ec-brainpoolP256r1')
    const intermediate = buildCaCertificate({
      subject: { commonName: 'Intermediate' },
      keyPair: intermediateKeys,
      issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
      pathLength: 0,
      notBefore,
      notAfter,
    })
    const leafKeys = await generateKeyPair('rsa-2048')
    const leaf = buildSmimeCertificate({
      subject: { commonName: 'Leaf' },
      email: 'leaf@test.brucke.invalid',
      publicKey: leafKeys.publicKey,
      issuer: { certificate: intermediate.der, privateKey: intermediateKeys.privateKey },
      crlDistributionPoints: ['http://crl.test.brucke.invalid/intermediate.crl'],
      notBefore,
      notAfter,
    })
    const ca = await pemFile('ca.pem', pki.ca.certificatePem)
    const untrusted = await pemFile('intermediate.pem', intermediate.pem)
    const leafPath = await pemFile('leaf.pem', leaf.pem)
    const result = await openssl([
      'verify',
      '-CAfile',
      ca,
      '-untrusted',
      untrusted,
      '-purpose',
      'smimeencrypt',
      '-attime',
      attime,
      leafPath,
    ])
    expect(result.code).toBe(0)
    const text = await openssl(['x509', '-in', leafPath, '-noout', '-text'])
    expect(text.output).toContain('URI:http://crl.test.brucke.invalid/intermediate.crl')
  })

  it('when an EC CA signs a CRL, then openssl verifies the ECDSA signature', async () => {
    const crl = buildCrl({
      issuer: { certificate: pki.unknownCa.certificateDer, privateKey: pki.unknownCa.privateKey },
      thisUpdate: notBefore,
      nextUpdate: notAfter,
      crlNumber: 7,
      revoked: [],
    })
    const ca = await pemFile('unknown-ca.pem', pki.unknownCa.certificatePem)
    const path = await pemFile('unknown.crl.pem', crl.pem)
    const { code, output } = await openssl(['crl', '-in', path, '-CAfile', ca, '-noout', '-text'])
    expect(code).toBe(0)
    expect(output).toContain('verify OK')
    expect(output).toContain('No Revoked Certificates')
    expect(output).toContain('ecdsa-with-SHA256')
  })

  it('when an RSA CA signs with RSASSA-PSS, then openssl verifies the certificate and prints the PSS parameters', async () => {
    const keys = await generateKeyPair('ec-p256')
    const built = buildSmimeCertificate({
      subject: { commonName: 'pss-signed' },
      email: 'pss@test.brucke.invalid',
      publicKey: keys.publicKey,
      issuer: {
        certificate: pki.ca.certificateDer,
        privateKey: pki.ca.privateKey,
        rsaSignatureScheme: 'pss',
      },
      notBefore,
      notAfter,
    })
    const ca = await pemFile('ca.pem', pki.ca.certificatePem)
    const path = await pemFile('pss.pem', built.pem)
    const text = await openssl(['x509', '-in', path, '-noout', '-text'])
    expect(text.output).toContain('Signature Algorithm: rsassaPss')
    expect(text.output).toMatch(/Mask Algorithm: mgf1 with sha256/)
    expect(text.output).toContain('Salt Length: 0x20')
    const result = await openssl(['verify', '-CAfile', ca, '-attime', attime, path])
    expect(result.code).toBe(0)
  })

  it('when notAfter is not after notBefore, then building fails with ERR_CERT_INVALID_INPUT', () => {
    expect(() =>
      buildSmimeCertificate({
        subject: { commonName: 'x' },
        email: 'x@test.brucke.invalid',
        publicKey: pki.rsa.publicKey,
        issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
        notBefore: notAfter,
        notAfter: notBefore,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CERT_INVALID_INPUT' }))
  })

  it.each(['jürgen@test.brucke.invalid', 'no-at-sign', 'a@b@c', 'x@exa mple.de'])(
    'when the mailbox is %j, then building fails with ERR_CERT_INVALID_INPUT',
    (email) => {
      expect(() =>
        buildSmimeCertificate({
          subject: { commonName: 'x' },
          email,
          publicKey: pki.rsa.publicKey,
          issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
          notBefore,
          notAfter,
        }),
      ).toThrow(expect.objectContaining({ code: 'ERR_CERT_INVALID_INPUT' }))
    },
  )

  it('when the key is Ed25519, then building fails with ERR_CERT_UNSUPPORTED_KEY', () => {
    const keys = generateKeyPairSync('ed25519')
    expect(() =>
      buildCertificate({
        subject: { commonName: 'x' },
        publicKey: keys.publicKey,
        issuer: { certificate: pki.ca.certificateDer, privateKey: pki.ca.privateKey },
        notBefore,
        notAfter,
        extensions: {},
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CERT_UNSUPPORTED_KEY' }))
  })

  it('when the issuer certificate is garbage, then building fails with ERR_CERT_MALFORMED', () => {
    expect(() =>
      buildSmimeCertificate({
        subject: { commonName: 'x' },
        email: 'x@test.brucke.invalid',
        publicKey: pki.rsa.publicKey,
        issuer: { certificate: Buffer.from('not a certificate'), privateKey: pki.ca.privateKey },
        notBefore,
        notAfter,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CERT_MALFORMED' }))
  })

  it('when the serial number is zero or longer than 20 octets, then building fails with ERR_CERT_INVALID_INPUT', () => {
    for (const serialNumber of [0n, -5n, 1n << 160n]) {
      expect(() =>
        buildCaCertificate({
          subject: { commonName: 'x' },
          keyPair: pki.ecP256,
          serialNumber,
          notBefore,
          notAfter,
        }),
      ).toThrow(expect.objectContaining({ code: 'ERR_CERT_INVALID_INPUT' }))
    }
  })

  it('when the test PKI certifies a foreign public key, then the certificate binds that key and no private key is handed out', () => {
    const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const issued = pki.issue({
      name: 'gpgsm',
      email: 'gpgsm@test.brucke.invalid',
      publicKey: foreign.publicKey,
    })
    expect('privateKey' in issued).toBe(false)
    const cert = new X509Certificate(issued.certificateDer)
    expect(cert.checkPrivateKey(foreign.privateKey)).toBe(true)
    expect(cert.verify(pki.ca.publicKey)).toBe(true)
  })
})
