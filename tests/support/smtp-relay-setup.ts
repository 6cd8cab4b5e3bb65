import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  addTrustAnchor,
  importAgencyCertificate,
} from '../../gateway/crypto/certificate-service.ts'
import type { Deps } from '../../gateway/deps.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import type { DeliveryContext } from '../../gateway/relay/delivery-worker.ts'
import { relaySettingsOf } from '../../gateway/relay/relay-settings.ts'
import { newRevocationSweep } from '../../gateway/relay/revocation-notice.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { createTestPki, type TestIdentity, type TestPki } from './test-pki.ts'

export interface RelayPki {
  dir: string
  pki: TestPki
  identities: Record<string, TestIdentity>
}

/**
 * A PEM directory as `brucke pki demo --out DIR` lays it out (ca.pem, ca.crl.pem,
 * `<agency>.cert.pem`, `<agency>.key.pem`), with certificates from the test PKI for the demo
 * agencies' mailboxes: jc-demo RSA, aa-demo EC P-256, ja-demo RSA (its profile is `compatible`);
 * with `keys: 'demo'` all RSA-3072 like the demo PKI.
 */
export async function createRelayPki(
  options: {
    at?: Date
    /** 'demo': RSA-3072 for every agency, as `brucke pki demo` issues them (the benchmarks). */
    keys?: 'mixed' | 'demo'
  } = {},
): Promise<RelayPki> {
  const pki = await createTestPki(options.at ? { at: options.at } : {})
  const dir = mkdtempSync(join(tmpdir(), 'brucke-relay-pki-'))
  writeFileSync(join(dir, 'ca.pem'), pki.ca.certificatePem)
  writeFileSync(join(dir, 'ca.crl.pem'), pki.crlPem)
  const identities: Record<string, TestIdentity> = {}
  for (const agency of demoAgencies) {
    const identity = await pki.issue({
      name: agency.id,
      email: agency.mailbox,
      keyAlgorithm:
        options.keys === 'demo' ? 'rsa-3072' : agency.id === 'aa-demo' ? 'ec-p256' : 'rsa-2048',
    })
    identities[agency.id] = identity
    writeFileSync(join(dir, `${agency.id}.cert.pem`), identity.certificatePem)
    writeFileSync(join(dir, `${agency.id}.key.pem`), identity.privateKeyPem, { mode: 0o600 })
  }
  return { dir, pki, identities }
}

/**
 * Registers the relay PKI in the certificate registry the way an operator does (trust anchor with
 * its CRL file, then each agency's certificate with its key, sealed by the key store), so the
 * relay runs on the registry keyring.
 */
export async function registerRelayPki(
  deps: Pick<Deps, 'db' | 'clock' | 'log' | 'config'>,
  relayPki: RelayPki,
): Promise<void> {
  await addTrustAnchor(deps, {
    actor: 'system',
    certificate: Buffer.from(relayPki.pki.ca.certificatePem),
    crlFile: join(relayPki.dir, 'ca.crl.pem'),
  })
  for (const [agencyId, identity] of Object.entries(relayPki.identities)) {
    await importAgencyCertificate(deps, {
      actor: 'system',
      agencyId,
      source: {
        kind: 'certificate',
        certificate: Buffer.from(identity.certificatePem),
        key: Buffer.from(identity.privateKeyPem),
      },
    })
  }
}

/** A delivery worker's context for tests: the deps' keyring, a real SMTP mailer, no jitter. */
export function testDeliveryContext(deps: Deps, smtpUrl: string): DeliveryContext {
  return {
    deps,
    mailer: createSmtpMailer(smtpUrl),
    settings: relaySettingsOf(deps.config),
    workerId: 'test-worker',
    revocationSweep: newRevocationSweep(),
    random: () => 0.5,
  }
}

/** Runs `openssl` with `input` on stdin; its stdout, or a throw with its stderr. */
export function opensslSync(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] })
}
