import { createPublicKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { id_kp_serverAuth } from '@peculiar/asn1-x509'
import {
  buildCaCertificate,
  buildCertificate,
  buildSmimeCertificate,
} from '../../crypto/certificate-builder.ts'
import type { KeyUsageName } from '../../crypto/certificate-builder.ts'
import { generateKeyPair } from '../../crypto/certificate-key-pair.ts'
import type { KeyAlgorithmName, KeyPair } from '../../crypto/certificate-key-pair.ts'
import { buildCrl } from '../../crypto/crl-builder.ts'

/**
 * A throw-away PKI generated at test time (never committed): one RSA-3072 root CA, named
 * end-entity S/MIME identities on RSA, EC P-256 and brainpoolP256r1, and broken certificates
 * for the failure paths. Every certificate is valid from {@link testPkiNotBefore} to
 * {@link testPkiNotAfter}; tests run with a fixed clock inside that range (e.g. {@link testPkiAt}).
 */

export const testPkiNotBefore = new Date('2026-01-01T00:00:00.000Z')
export const testPkiNotAfter = new Date('2028-01-01T00:00:00.000Z')
/** A default instant inside the validity; equals the default TestClock start. */
export const testPkiAt = new Date('2026-03-02T09:00:00.000Z')

const day = 24 * 60 * 60 * 1000

/** A certificate with its key: DER + PEM certificate, PEM PKCS#8 key and native KeyObjects. */
export interface TestIdentity {
  /** A short label, e.g. 'rsa' or 'expired'. */
  name: string
  /** The mailbox in subjectAltName rfc822Name ('' for CAs). */
  email: string
  keyAlgorithm: KeyAlgorithmName
  certificateDer: Buffer
  certificatePem: string
  /** Unencrypted PKCS#8 PEM — test material only. */
  privateKeyPem: string
  privateKey: KeyObject
  publicKey: KeyObject
  serialNumber: bigint
}

/** Options of {@link TestPki.issue}: a custom end-entity certificate from the test CA. */
export interface IssueOptions {
  name: string
  email: string
  /** Generate a fresh key of this algorithm (default 'rsa-2048')… */
  keyAlgorithm?: KeyAlgorithmName
  /** …or certify an existing public key, e.g. from a gpgsm CSR (then privateKey is absent). */
  publicKey?: KeyObject
  notBefore?: Date
  notAfter?: Date
  /** Override keyUsage; default is the S/MIME profile for the key's family. */
  keyUsage?: KeyUsageName[]
  /** Override extendedKeyUsage OIDs; default emailProtection. */
  extendedKeyUsage?: string[]
  serialNumber?: bigint
}

/** A certificate issued for an external public key: the test has no private key for it. */
export type IssuedForPublicKey = Omit<TestIdentity, 'privateKey' | 'privateKeyPem'>

export interface TestPki {
  at: Date
  /** The trusted root: RSA-3072, self-signed. */
  ca: TestIdentity
  /** The CA's CRL at `at` (thisUpdate = at − 1 day, nextUpdate = at + 30 days), revoking `revoked`. */
  crlDer: Buffer
  crlPem: string
  /** End-entity S/MIME identities of the trusted CA. */
  rsa: TestIdentity
  /** A second RSA identity, e.g. the recipient when `rsa` is the sender, or the wrong recipient. */
  rsaPeer: TestIdentity
  ecP256: TestIdentity
  brainpool: TestIdentity
  /** Certificates that must fail validation, each for one reason. */
  invalid: {
    /** Expired one day before `at`. */
    expired: TestIdentity
    /** Valid only from 30 days after `at`. */
    notYetValid: TestIdentity
    /** keyUsage cRLSign only: neither signing nor encryption allowed. */
    wrongKeyUsage: TestIdentity
    /** extendedKeyUsage serverAuth only (no emailProtection). */
    wrongExtendedKeyUsage: TestIdentity
    /** Listed on `crlDer` (revoked 10 days before `at`, keyCompromise). */
    revoked: TestIdentity
    /** Issued by `unknownCa`, which no test trusts. */
    unknownCa: TestIdentity
  }
  /** A CA nobody trusts (EC P-256), issuer of `invalid.unknownCa`. */
  unknownCa: TestIdentity
  /** Issues a further certificate from the trusted CA. */
  issue(options: IssueOptions & { publicKey: KeyObject }): IssuedForPublicKey
  issue(options: IssueOptions): Promise<TestIdentity>
  /** A fresh CRL from the trusted CA revoking the given serials at `revokedAt`. */
  buildCrl(input: {
    serialNumbers: bigint[]
    revokedAt: Date
    thisUpdate?: Date
    nextUpdate?: Date
  }): {
    der: Buffer
    pem: string
  }
}

const cache = new Map<string, Promise<TestPki>>()

/**
 * Creates (once per worker and instant) the test PKI. Keys come from native crypto; nothing is
 * read from or written to disk.
 */
export function createTestPki(options: { at?: Date } = {}): Promise<TestPki> {
  const at = options.at ?? testPkiAt
  if (at < testPkiNotBefore || at >= testPkiNotAfter) {
    throw new Error('createTestPki: `at` must lie inside the test PKI validity (2026–2027)')
  }
  const key = at.toISOString()
  let pki = cache.get(key)
  if (pki === undefined) {
    pki = buildTestPki(at)
    cache.set(key, pki)
  }
  return pki
}

async function buildTestPki(at: Date): Promise<TestPki> {
  const [caKeys, rsaKeys, rsaPeerKeys, ecKeys, brainpoolKeys, unknownCaKeys] = await Promise.all([
    generateKeyPair('rsa-3072'),
    generateKeyPair('rsa-3072'),
    generateKeyPair('rsa-3072'),
    generateKeyPair('ec-p256'),
    generateKeyPair('ec-brainpoolP256r1'),
    generateKeyPair('ec-p256'),
  ])
  const caCertificate = buildCaCertificate({
    subject: { country: 'DE', organization: 'Brücke Test', commonName: 'Brücke Test CA' },
    keyPair: caKeys,
    serialNumber: 1n,
    notBefore: testPkiNotBefore,
    notAfter: testPkiNotAfter,
  })
  const ca = identity('ca', '', 'rsa-3072', caKeys, caCertificate)
  const caIssuer = { certificate: ca.certificateDer, privateKey: ca.privateKey }

  const unknownCaCertificate = buildCaCertificate({
    subject: { country: 'DE', organization: 'Elsewhere', commonName: 'Unknown Test CA' },
    keyPair: unknownCaKeys,
    notBefore: testPkiNotBefore,
    notAfter: testPkiNotAfter,
  })
  const unknownCa = identity('unknown-ca', '', 'ec-p256', unknownCaKeys, unknownCaCertificate)

  function certify(
    name: string,
    email: string,
    keyAlgorithm: KeyAlgorithmName,
    keys: KeyPair,
    overrides: Omit<IssueOptions, 'name' | 'email' | 'keyAlgorithm' | 'publicKey'> = {},
    issuer: { certificate: Buffer; privateKey: KeyObject } = caIssuer,
  ): TestIdentity {
    const notBefore = overrides.notBefore ?? testPkiNotBefore
    const notAfter = overrides.notAfter ?? testPkiNotAfter
    const serial =
      overrides.serialNumber === undefined ? {} : { serialNumber: overrides.serialNumber }
    const built =
      overrides.keyUsage === undefined && overrides.extendedKeyUsage === undefined
        ? buildSmimeCertificate({
            subject: { country: 'DE', organization: 'Brücke Test', commonName: name },
            email,
            publicKey: keys.publicKey,
            issuer,
            notBefore,
            notAfter,
            ...serial,
          })
        : buildCertificate({
            subject: { country: 'DE', organization: 'Brücke Test', commonName: name },
            publicKey: keys.publicKey,
            issuer,
            notBefore,
            notAfter,
            ...serial,
            extensions: {
              basicConstraints: { ca: false },
              keyUsage:
                overrides.keyUsage ??
                (keys.publicKey.asymmetricKeyType === 'rsa'
                  ? ['digitalSignature', 'keyEncipherment']
                  : ['digitalSignature', 'keyAgreement']),
              extendedKeyUsage: overrides.extendedKeyUsage ?? ['1.3.6.1.5.5.7.3.4'],
              emailAddresses: [email],
            },
          })
    return identity(name, email, keyAlgorithm, keys, built)
  }

  // The failure cases use fast EC keys; their key type is not what they test.
  const [expiredKeys, notYetKeys, wrongKuKeys, wrongEkuKeys, revokedKeys, strangerKeys] =
    await Promise.all([
      generateKeyPair('ec-p256'),
      generateKeyPair('ec-p256'),
      generateKeyPair('rsa-2048'),
      generateKeyPair('ec-p256'),
      generateKeyPair('rsa-2048'),
      generateKeyPair('ec-p256'),
    ])
  const revoked = certify('revoked', 'revoked@test.brucke.invalid', 'rsa-2048', revokedKeys)
  const crl = buildCrl({
    issuer: caIssuer,
    thisUpdate: new Date(at.getTime() - day),
    nextUpdate: new Date(at.getTime() + 30 * day),
    crlNumber: 1,
    revoked: [
      {
        serialNumber: revoked.serialNumber,
        revocationDate: new Date(at.getTime() - 10 * day),
        reason: 'keyCompromise',
      },
    ],
  })

  const issue = ((options: IssueOptions): IssuedForPublicKey | Promise<TestIdentity> => {
    const overrides = {
      ...(options.notBefore === undefined ? {} : { notBefore: options.notBefore }),
      ...(options.notAfter === undefined ? {} : { notAfter: options.notAfter }),
      ...(options.keyUsage === undefined ? {} : { keyUsage: options.keyUsage }),
      ...(options.extendedKeyUsage === undefined
        ? {}
        : { extendedKeyUsage: options.extendedKeyUsage }),
      ...(options.serialNumber === undefined ? {} : { serialNumber: options.serialNumber }),
    }
    if (options.publicKey !== undefined) {
      const publicKey =
        options.publicKey.type === 'public' ? options.publicKey : createPublicKey(options.publicKey)
      const algorithm = algorithmOf(publicKey)
      // certify() needs only the public half here; the private key fields are dropped below.
      const {
        privateKey: _privateKey,
        privateKeyPem: _pem,
        ...rest
      } = certify(
        options.name,
        options.email,
        algorithm,
        { publicKey, privateKey: publicKey },
        overrides,
      )
      return rest
    }
    const keyAlgorithm = options.keyAlgorithm ?? 'rsa-2048'
    return generateKeyPair(keyAlgorithm).then((keys) =>
      certify(options.name, options.email, keyAlgorithm, keys, overrides),
    )
  }) as TestPki['issue']

  let crlNumber = 1
  return {
    at,
    ca,
    crlDer: crl.der,
    crlPem: crl.pem,
    rsa: certify('rsa', 'rsa@test.brucke.invalid', 'rsa-3072', rsaKeys),
    rsaPeer: certify('rsa-peer', 'rsa-peer@test.brucke.invalid', 'rsa-3072', rsaPeerKeys),
    ecP256: certify('ec-p256', 'ec-p256@test.brucke.invalid', 'ec-p256', ecKeys),
    brainpool: certify(
      'brainpool',
      'brainpool@test.brucke.invalid',
      'ec-brainpoolP256r1',
      brainpoolKeys,
    ),
    invalid: {
      expired: certify('expired', 'expired@test.brucke.invalid', 'ec-p256', expiredKeys, {
        notBefore: new Date(at.getTime() - 400 * day),
        notAfter: new Date(at.getTime() - day),
      }),
      notYetValid: certify(
        'not-yet-valid',
        'not-yet-valid@test.brucke.invalid',
        'ec-p256',
        notYetKeys,
        {
          notBefore: new Date(at.getTime() + 30 * day),
          notAfter: testPkiNotAfter,
        },
      ),
      wrongKeyUsage: certify(
        'wrong-key-usage',
        'wrong-key-usage@test.brucke.invalid',
        'rsa-2048',
        wrongKuKeys,
        { keyUsage: ['cRLSign'] },
      ),
      wrongExtendedKeyUsage: certify(
        'wrong-eku',
        'wrong-eku@test.brucke.invalid',
        'ec-p256',
        wrongEkuKeys,
        { extendedKeyUsage: [id_kp_serverAuth] },
      ),
      revoked,
      unknownCa: certify(
        'stranger',
        'stranger@test.brucke.invalid',
        'ec-p256',
        strangerKeys,
        {},
        { certificate: unknownCa.certificateDer, privateKey: unknownCa.privateKey },
      ),
    },
    unknownCa,
    issue,
    buildCrl: ({ serialNumbers, revokedAt, thisUpdate, nextUpdate }) =>
      buildCrl({
        issuer: caIssuer,
        thisUpdate: thisUpdate ?? new Date(at.getTime() - day),
        nextUpdate: nextUpdate ?? new Date(at.getTime() + 30 * day),
        crlNumber: (crlNumber += 1),
        revoked: serialNumbers.map((serialNumber) => ({ serialNumber, revocationDate: revokedAt })),
      }),
  }
}

function identity(
  name: string,
  email: string,
  keyAlgorithm: KeyAlgorithmName,
  keys: KeyPair,
  built: { der: Buffer; pem: string; serialNumber: bigint },
): TestIdentity {
  const isPrivate = keys.privateKey.type === 'private'
  return {
    name,
    email,
    keyAlgorithm,
    certificateDer: built.der,
    certificatePem: built.pem,
    privateKeyPem: isPrivate
      ? keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      : '',
    privateKey: keys.privateKey,
    publicKey: keys.publicKey,
    serialNumber: built.serialNumber,
  }
}

function algorithmOf(publicKey: KeyObject): KeyAlgorithmName {
  const details = publicKey.asymmetricKeyDetails
  if (publicKey.asymmetricKeyType === 'rsa') {
    const bits = details?.modulusLength
    if (bits === 2048 || bits === 3072 || bits === 4096) return `rsa-${bits}`
  }
  if (publicKey.asymmetricKeyType === 'ec') {
    if (details?.namedCurve === 'prime256v1') return 'ec-p256'
    if (details?.namedCurve === 'brainpoolP256r1') return 'ec-brainpoolP256r1'
  }
  throw new Error(`test PKI cannot certify a ${String(publicKey.asymmetricKeyType)} key`)
}
