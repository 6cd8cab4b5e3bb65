import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodePem } from '../../crypto/certificate-pem.ts'
import { parseCertificate } from '../../crypto/certificate-parse.ts'
import { createDemoPki } from '../../crypto/demo-pki.ts'
import type { DemoPkiAgency } from '../../crypto/demo-pki.ts'
import { listTrustAnchors } from '../../db/certificate-repository.ts'
import type { Deps } from '../deps.ts'
import {
  addTrustAnchor,
  findCurrentAgencyCertificate,
  importAgencyCertificate,
} from './certificate-service.ts'
import { writeDemoPki } from './demo-pki-files.ts'

/** What the demo PKI step did. */
export interface DemoPkiOutcome {
  dir: string
  /** True when the files were generated on this run. */
  generated: boolean
  /** Agencies whose certificate and key were imported on this run. */
  imported: string[]
}

/**
 * Demo setup, PKI part (docs/design.md §6): writes the demo PKI to `<dataDir>/demo-pki/` unless it is
 * there, trusts its CA with the CRL file, and imports each demo agency's certificate and key.
 * Every step is skipped when already done, so it is safe to run on every start.
 */
export async function ensureDemoPki(
  deps: Pick<Deps, 'db' | 'clock' | 'log' | 'config'>,
  agencies: DemoPkiAgency[],
): Promise<DemoPkiOutcome> {
  const dir = join(deps.config.dataDir, 'demo-pki')
  const names = [
    'ca.pem',
    'ca.crl.pem',
    ...agencies.flatMap((agency) => [`${agency.id}.cert.pem`, `${agency.id}.key.pem`]),
  ]
  const complete = names.every((name) => existsSync(join(dir, name)))
  if (!complete) {
    const pki = await createDemoPki({ at: deps.clock.now(), agencies })
    writeDemoPki(dir, pki.files)
  }
  const caPem = readFileSync(join(dir, 'ca.pem'))
  const caFingerprint = parseCertificate(
    decodePem(caPem.toString('utf8'), 'CERTIFICATE'),
  ).fingerprintSha256
  const anchors = await listTrustAnchors(deps.db)
  if (!anchors.some((anchor) => anchor.id === caFingerprint)) {
    await addTrustAnchor(deps, {
      actor: 'system',
      certificate: caPem,
      crlFile: join(dir, 'ca.crl.pem'),
    })
  }
  const imported: string[] = []
  for (const agency of agencies) {
    if (await findCurrentAgencyCertificate(deps, agency.id, { withKey: true })) continue
    await importAgencyCertificate(deps, {
      actor: 'system',
      agencyId: agency.id,
      source: {
        kind: 'certificate',
        certificate: readFileSync(join(dir, `${agency.id}.cert.pem`)),
        key: readFileSync(join(dir, `${agency.id}.key.pem`)),
      },
    })
    imported.push(agency.id)
  }
  return { dir, generated: !complete, imported }
}
