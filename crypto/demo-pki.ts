import { createHash, type KeyObject } from 'node:crypto'
import { buildCaCertificate, buildSmimeCertificate } from './certificate-builder.ts'
import { generateKeyPair } from './certificate-key-pair.ts'
import { buildCrl } from './crl-builder.ts'
import { writePkcs12 } from './pkcs12.ts'

/**
 * The PKCS#12 passphrase of every demo `.p12` file. Demo material only: the same keys lie
 * unencrypted next to it in `<agency>.key.pem` (docs/design.md §6).
 */
export const demoPkcs12Passphrase = 'brucke-demo'

/** An agency the demo PKI issues a certificate for. */
export interface DemoPkiAgency {
  id: string
  name: string
  mailbox: string
}

/** One agency's demo identity. */
export interface DemoPkiIdentity {
  agencyId: string
  mailbox: string
  certificateDer: Buffer
  certificatePem: string
  privateKey: KeyObject
  privateKeyPem: string
  pkcs12: Buffer
}

/** The demo PKI: CA, CRL, identities and the files of `brucke pki demo --out DIR`. */
export interface DemoPki {
  caCertificateDer: Buffer
  caCertificatePem: string
  crlDer: Buffer
  crlPem: string
  identities: DemoPkiIdentity[]
  /** File name → content; `*.key.pem` hold unencrypted keys and should be written mode 0600. */
  files: Record<string, string | Buffer>
}

const day = 24 * 60 * 60 * 1000

/**
 * Creates a complete demo PKI at `at` (docs/design.md §6): a self-signed RSA-3072 CA valid 10 years,
 * one RSA-3072 S/MIME certificate per agency valid 2 years, and an empty CRL whose nextUpdate
 * equals the end of the agency certificates, so a demo installation keeps validating without a
 * CRL refresh. All agencies get RSA keys: the demo must work with every client including gpgsm
 * and the `compatible` profile (RSA key transport), and RSA keys can be exported to PKCS#12 for
 * mail clients; ECDH (P-256, brainpool) is exercised by the test PKI instead.
 * Pure: returns contents, writes nothing.
 */
export async function createDemoPki(input: {
  at: Date
  agencies: DemoPkiAgency[]
}): Promise<DemoPki> {
  const notBefore = new Date(input.at.getTime() - day)
  // All keys at once: RSA-3072 generation dominates and runs on the libuv thread pool.
  const [caKeys, ...keyPairs] = await Promise.all(
    [null, ...input.agencies].map(() => generateKeyPair('rsa-3072')),
  )
  if (caKeys === undefined) throw new Error('CA key pair missing')
  // Each installation's demo CA has a name of its own (from its key): two federated demo instances
  // each trust the other's CA, and a chain is built by issuer name.
  const caTag = createHash('sha256')
    .update(caKeys.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 8)
  const ca = buildCaCertificate({
    subject: { country: 'DE', organization: 'Brücke Demo', commonName: `Brücke Demo CA ${caTag}` },
    keyPair: caKeys,
    notBefore,
    notAfter: new Date(input.at.getTime() + 3652 * day),
  })
  const issuer = { certificate: ca.der, privateKey: caKeys.privateKey }
  const agencyNotAfter = new Date(input.at.getTime() + 730 * day)
  const identities = input.agencies.map((agency, index): DemoPkiIdentity => {
    const keys = keyPairs[index]
    if (keys === undefined) throw new Error('key pair missing')
    const certificate = buildSmimeCertificate({
      subject: {
        country: 'DE',
        organization: agency.name,
        commonName: agency.mailbox,
      },
      email: agency.mailbox,
      publicKey: keys.publicKey,
      issuer,
      notBefore,
      notAfter: agencyNotAfter,
    })
    return {
      agencyId: agency.id,
      mailbox: agency.mailbox,
      certificateDer: certificate.der,
      certificatePem: certificate.pem,
      privateKey: keys.privateKey,
      privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      pkcs12: writePkcs12({
        certificate: certificate.der,
        chain: [ca.der],
        privateKey: keys.privateKey,
        passphrase: demoPkcs12Passphrase,
        friendlyName: agency.mailbox,
      }),
    }
  })
  const crl = buildCrl({
    issuer,
    thisUpdate: notBefore,
    nextUpdate: agencyNotAfter,
    crlNumber: 1,
    revoked: [],
  })
  const files: Record<string, string | Buffer> = { 'ca.pem': ca.pem, 'ca.crl.pem': crl.pem }
  for (const identity of identities) {
    files[`${identity.agencyId}.cert.pem`] = identity.certificatePem
    files[`${identity.agencyId}.key.pem`] = identity.privateKeyPem
    files[`${identity.agencyId}.p12`] = identity.pkcs12
  }
  return {
    caCertificateDer: ca.der,
    caCertificatePem: ca.pem,
    crlDer: crl.der,
    crlPem: crl.pem,
    identities,
    files,
  }
}
