import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { NewAgency } from '../../accounts/account-schemas.ts'
import { buildCaCertificate, buildSmimeCertificate } from '../../crypto/certificate-builder.ts'
import { generateKeyPair } from '../../crypto/certificate-key-pair.ts'
import type { KeyPair } from '../../crypto/certificate-key-pair.ts'
import { buildCrl } from '../../crypto/crl-builder.ts'
import { addAgency } from '../../gateway/accounts/account-service.ts'
import {
  addTrustAnchor,
  importAgencyCertificate,
} from '../../gateway/crypto/certificate-service.ts'
import type { Deps } from '../../gateway/deps.ts'
import { testPkiNotAfter, testPkiNotBefore } from './test-pki.ts'

const day = 24 * 60 * 60 * 1000

/** An agency certificate with its key, as PEM (test material only). */
export interface AgencyIdentity {
  certificatePem: string
  privateKeyPem: string
  serialNumber: bigint
}

/**
 * One gateway's own CA (each federated instance has its own PKI), EC P-256 for speed, with its
 * CRL served over real HTTP at `crlUrl` — the URL its partner cards name.
 */
export interface GatewayPki {
  caPem: string
  crlUrl: string
  issue(email: string): Promise<AgencyIdentity>
  /** Publishes a new CRL revoking these serials. */
  revoke(serials: bigint[], at: Date): void
  close(): Promise<void>
}

export async function createGatewayPki(name: string, at: Date): Promise<GatewayPki> {
  const caKeys: KeyPair = await generateKeyPair('ec-p256')
  const ca = buildCaCertificate({
    subject: { country: 'DE', organization: 'Brücke Test', commonName: `${name} CA` },
    keyPair: caKeys,
    notBefore: testPkiNotBefore,
    notAfter: testPkiNotAfter,
  })
  const issuer = { certificate: ca.der, privateKey: caKeys.privateKey }
  let crlNumber = 0
  const crlFor = (serials: bigint[], when: Date) =>
    buildCrl({
      issuer,
      thisUpdate: new Date(when.getTime() - day),
      nextUpdate: new Date(when.getTime() + 60 * day),
      crlNumber: (crlNumber += 1),
      revoked: serials.map((serialNumber) => ({ serialNumber, revocationDate: when })),
    }).der
  let crl = crlFor([], at)
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/pkix-crl' })
    response.end(crl)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    caPem: ca.pem,
    crlUrl: `http://127.0.0.1:${port}/${name}.crl`,
    async issue(email) {
      const keys = await generateKeyPair('rsa-2048')
      const built = buildSmimeCertificate({
        subject: { country: 'DE', organization: 'Brücke Test', commonName: email },
        email,
        publicKey: keys.publicKey,
        issuer,
        notBefore: testPkiNotBefore,
        notAfter: testPkiNotAfter,
      })
      return {
        certificatePem: built.pem,
        privateKeyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        serialNumber: built.serialNumber,
      }
    },
    revoke(serials, when) {
      crl = crlFor(serials, when)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Makes `agency` hosted on this gateway the way an operator does: registered, its gateway's CA
 * trusted with the CRL URL, and a certificate with its key imported. Returns the identity.
 */
export async function hostAgency(
  deps: Deps,
  agency: NewAgency,
  pki: GatewayPki,
): Promise<AgencyIdentity> {
  await addAgency(deps, { actor: 'system', agency })
  await addTrustAnchor(deps, {
    actor: 'system',
    certificate: Buffer.from(pki.caPem),
    crlUrl: pki.crlUrl,
  })
  return addHostedCertificate(deps, agency.id, agency.mailbox, pki)
}

/** A further certificate with key for a hosted agency (e.g. the new key of a rollover). */
export async function addHostedCertificate(
  deps: Deps,
  agencyId: string,
  mailbox: string,
  pki: GatewayPki,
): Promise<AgencyIdentity> {
  const identity = await pki.issue(mailbox)
  await importAgencyCertificate(deps, {
    actor: 'system',
    agencyId,
    source: {
      kind: 'certificate',
      certificate: Buffer.from(identity.certificatePem),
      key: Buffer.from(identity.privateKeyPem),
    },
  })
  return identity
}
