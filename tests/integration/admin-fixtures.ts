import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  addTrustAnchor,
  importAgencyCertificate,
} from '../../gateway/crypto/certificate-service.ts'
import type { Deps } from '../../gateway/deps.ts'
import { createTestPki } from '../support/test-pki.ts'

/**
 * Registers, through the crypto area's import, a certificate for jc-demo that ends 20 days after
 * the test clock's start (inside the 30-day warning window) and one for aa-demo valid until 2028.
 * ja-demo gets none.
 */
export async function registerDemoCertificates(deps: Deps): Promise<{ jcNotAfter: Date }> {
  const pki = await createTestPki()
  const jcNotAfter = new Date(pki.at.getTime() + 20 * 86_400_000)
  const jc = await pki.issue({
    name: 'jc-demo',
    email: 'u25@jc-demo.example',
    keyAlgorithm: 'ec-p256',
    notAfter: jcNotAfter,
  })
  const aa = await pki.issue({
    name: 'aa-demo',
    email: 'berufsberatung@aa-demo.example',
    keyAlgorithm: 'ec-p256',
  })
  const dir = mkdtempSync(join(tmpdir(), 'brucke-admin-pki-'))
  writeFileSync(join(dir, 'ca.crl.pem'), pki.crlPem)
  await addTrustAnchor(deps, {
    actor: 'system',
    certificate: Buffer.from(pki.ca.certificatePem),
    crlFile: join(dir, 'ca.crl.pem'),
  })
  for (const [agencyId, identity] of [
    ['jc-demo', jc],
    ['aa-demo', aa],
  ] as const)
    await importAgencyCertificate(deps, {
      actor: 'system',
      agencyId,
      source: { kind: 'certificate', certificate: Buffer.from(identity.certificatePem) },
    })
  return { jcNotAfter }
}
