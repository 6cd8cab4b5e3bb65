import { join } from 'node:path'
import type { NewAgency } from '../accounts/account-schemas.ts'
import { findAgency, findUser, readSetting, writeSetting } from '../db/account-repository.ts'
import { writePrivateFile } from '../db/private-files.ts'
import { addAgency, addUser, setAgencyPrivacyNotice } from './accounts/account-service.ts'
import { ensureDemoPki } from './crypto/demo-pki-setup.ts'
import { generatePassword } from './auth/password.ts'
import type { Deps } from './deps.ts'
import { ConfigError } from './runtime-config.ts'

export const demoAgencies: NewAgency[] = [
  {
    id: 'jc-demo',
    name: 'Jobcenter Demo-Stadt (U25)',
    kind: 'jobcenter',
    mailbox: 'u25@jc-demo.example',
    smimeProfile: 'modern',
    // Demo values in the shape of the real ones: a Jobcenter (gemeinsame Einrichtung) and the
    // Agentur für Arbeit answer to the federal commissioner (§ 50 Abs. 4 SGB II, § 9 BDSG), a
    // municipal Jugendamt to its Land's commissioner.
    privacyNotice: {
      controller: 'Jobcenter Demo-Stadt (gemeinsame Einrichtung), Am Markt 1, 12345 Demo-Stadt',
      dpoContact:
        'Datenschutzbeauftragte des Jobcenters Demo-Stadt, Am Markt 1, 12345 Demo-Stadt, datenschutz@jc-demo.example',
      supervisoryAuthority:
        'Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit, Graurheindorfer Straße 153, 53117 Bonn',
    },
  },
  {
    id: 'aa-demo',
    name: 'Agentur für Arbeit Demo-Stadt, Berufsberatung',
    kind: 'agentur',
    mailbox: 'berufsberatung@aa-demo.example',
    smimeProfile: 'modern',
    privacyNotice: {
      controller:
        'Bundesagentur für Arbeit, vertreten durch die Agentur für Arbeit Demo-Stadt, Bahnhofstraße 5, 12345 Demo-Stadt',
      dpoContact:
        'Datenschutzbeauftragte der Bundesagentur für Arbeit, Regensburger Straße 104, 90478 Nürnberg, datenschutz@aa-demo.example',
      supervisoryAuthority:
        'Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit, Graurheindorfer Straße 153, 53117 Bonn',
    },
  },
  {
    id: 'ja-demo',
    name: 'Jugendamt Demo-Stadt',
    kind: 'jugendamt',
    mailbox: 'jugendhilfe@ja-demo.example',
    smimeProfile: 'compatible',
    privacyNotice: {
      controller: 'Stadt Demo-Stadt, Jugendamt, Rathausplatz 2, 12345 Demo-Stadt',
      dpoContact:
        'Behördlicher Datenschutzbeauftragter der Stadt Demo-Stadt, Rathausplatz 2, 12345 Demo-Stadt, datenschutz@ja-demo.example',
      supervisoryAuthority:
        'Landesbeauftragte für den Datenschutz Demo-Land, Musterweg 10, 12340 Demo-Hauptstadt',
    },
  },
]

export const demoAccounts = [
  {
    id: 'demo-jc',
    displayName: 'Frau Demir (Fallmanagement U25)',
    role: 'staff',
    agencyId: 'jc-demo',
  },
  {
    id: 'demo-aa',
    displayName: 'Herr Berger (Berufsberatung)',
    role: 'staff',
    agencyId: 'aa-demo',
  },
  { id: 'demo-ja', displayName: 'Frau Jansen (Jugendhilfe)', role: 'staff', agencyId: 'ja-demo' },
  {
    id: 'demo-dpo',
    displayName: 'Datenschutzbeauftragte Demo',
    role: 'dpo',
    agencyId: 'jc-demo',
    allAgencies: true,
  },
  { id: 'demo-admin', displayName: 'Administration Demo', role: 'admin', agencyId: null },
  {
    id: 'demo-kiosk',
    displayName: 'Kiosk Eingangsbereich Jobcenter',
    role: 'kiosk',
    agencyId: 'jc-demo',
  },
] as const

/**
 * The demo agencies this instance hosts (`BRUCKE_DEMO_AGENCIES`, default all three): a
 * federated demo runs one instance per agency or pair. An unknown id stops the start.
 */
export function hostedDemoAgencies(ids: string[] | undefined): NewAgency[] {
  if (ids === undefined) return demoAgencies
  const known = new Set(demoAgencies.map((agency) => agency.id))
  const unknown = ids.filter((id) => !known.has(id))
  if (unknown.length > 0 || ids.length === 0)
    throw new ConfigError([
      {
        key: 'BRUCKE_DEMO_AGENCIES',
        source: 'environment',
        message: `unknown demo agency ${unknown.join(', ') || '(none given)'}; choose from ${[...known].join(', ')}`,
      },
    ])
  return demoAgencies.filter((agency) => ids.includes(agency.id))
}

/**
 * The demo accounts of the hosted agencies: their staff, the kiosk only with the Jobcenter, and
 * the DPO (for all agencies, seated at the first hosted one) and the administration always.
 */
function demoAccountsFor(hosted: NewAgency[]) {
  const ids = new Set(hosted.map((agency) => agency.id))
  const seat = hosted[0]?.id ?? 'jc-demo'
  return demoAccounts
    .filter(
      (account) =>
        account.role === 'admin' || account.role === 'dpo' || ids.has(account.agencyId ?? ''),
    )
    .map((account) => (account.role === 'dpo' ? { ...account, agencyId: seat } : account))
}

export interface DemoSetupOutcome {
  created: boolean
  /** Generated passwords, only on the run that created the accounts. */
  credentials: { id: string; role: string; password: string }[]
  credentialsFile: string
}

const marker = 'demo_setup'

/**
 * Creates the demo setup of docs/design.md §6 once: agencies, accounts with generated passwords (also
 * written to `data/demo-credentials.txt`, mode 0600, outside the repository). Later runs reuse it.
 */
export async function ensureDemoSetup(deps: Deps): Promise<DemoSetupOutcome> {
  const credentialsFile = join(deps.config.dataDir, 'demo-credentials.txt')
  const hosted = hostedDemoAgencies(deps.config.demoAgencies)
  if (await readSetting(deps.db, marker)) {
    // A demo set up before agencies carried their Art. 13 information gets the demo values, so
    // its staff can go on preparing consents.
    for (const agency of demoAgencies) {
      const stored = await findAgency(deps.db, agency.id)
      if (stored && !stored.privacyNotice && agency.privacyNotice)
        await setAgencyPrivacyNotice(deps, {
          actor: 'system',
          agencyId: agency.id,
          notice: agency.privacyNotice,
        })
    }
    return { created: false, credentials: [], credentialsFile }
  }
  // Each step is skipped when already done, so an interrupted first run completes on the next.
  for (const agency of hosted) {
    if (!(await findAgency(deps.db, agency.id))) await addAgency(deps, { actor: 'system', agency })
  }
  await ensureDemoPki(deps, hosted) // CA, CRL, certificates and keys in data/demo-pki
  const credentials: DemoSetupOutcome['credentials'] = []
  for (const account of demoAccountsFor(hosted)) {
    if (await findUser(deps.db, account.id)) continue
    const password = generatePassword()
    await addUser(deps, { actor: 'system', user: { ...account, password } })
    credentials.push({ id: account.id, role: account.role, password })
  }
  const lines = credentials.map((c) => `${c.id.padEnd(12)} ${c.role.padEnd(6)} ${c.password}`)
  writePrivateFile(
    credentialsFile,
    `# Brücke demo accounts (demo only; delete ./data to start over)\n${lines.join('\n')}\n`,
  )
  await writeSetting(deps.db, marker, deps.clock.now().toISOString(), deps.clock.now())
  return { created: true, credentials, credentialsFile }
}
