import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { environmentNames } from '../../config/schema.ts'
import { auditSettingsOf } from '../../gateway/audit/audit-settings.ts'
import { kioskIdleSecondsOf, majorityGraceDaysOf } from '../../gateway/kiosk/kiosk-settings.ts'
import { relaySettingsOf } from '../../gateway/relay/relay-settings.ts'
import { resolveConfig } from '../../gateway/runtime-config.ts'

/**
 * The documents a DPO approves (docs/dpo/) describe the product; these checks keep them from
 * drifting away from it silently: a renamed setting, a changed default or a moved file fails here.
 */
const root = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

const dpoDocuments = [
  'docs/dpo/verzeichnis-verarbeitungstaetigkeiten.md',
  'docs/dpo/dsfa-unterstuetzung.md',
  'docs/dpo/toms.md',
  'docs/dpo/loeschkonzept.md',
  'docs/dpo/rollenmodell.md',
]

/** Upper-case names with an underscore, as environment variables are written; error codes aside. */
function variablesNamedIn(text: string): string[] {
  const names = text.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? []
  return [...new Set(names)].filter((name) => !name.startsWith('ERR_'))
}

/** Rows of the settings table: `| \`NAME\` | <default> |`. */
function documentedDefaults(text: string): Map<string, number> {
  const rows = [...text.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| (\d+) \|/gm)]
  return new Map(rows.map(([, name, value]) => [name ?? '', Number(value)]))
}

/** What the product applies when nothing is configured, read through its own settings functions. */
function productDefaults(): Map<string, number> {
  const secret = Buffer.alloc(32, 7).toString('base64')
  const config = resolveConfig(
    { BRUCKE_DEMO: 'false', BRUCKE_MASTER_KEY: secret, BRUCKE_TOKEN_KEY: secret },
    mkdtempSync(join(tmpdir(), 'brucke-docs-')),
  )
  const audit = auditSettingsOf(config)
  return new Map([
    ['AUDIT_RETENTION_DAYS', audit.auditRetentionDays],
    ['CONSENT_RETENTION_DAYS', audit.consentRetentionDays],
    ['DRAFT_RETENTION_HOURS', audit.draftRetentionHours],
    ['TRANSFER_COPY_RETENTION_DAYS', audit.transferCopyRetentionDays],
    ['COMPOSER_DRAFT_RETENTION_DAYS', audit.composerDraftRetentionDays],
    ['RETENTION_PURGE_INTERVAL_MINUTES', audit.retentionPurgeIntervalMinutes],
    ['AUDIT_CHECKPOINT_INTERVAL_SECONDS', audit.auditCheckpointIntervalSeconds],
    ['KIOSK_IDLE_SECONDS', kioskIdleSecondsOf(config)],
    ['MAJORITY_GRACE_DAYS', majorityGraceDaysOf(config)],
    ['SESSION_IDLE_MINUTES', config.sessionIdleMinutes],
    ['TOKEN_TTL_MINUTES', config.tokenTtlMinutes],
    ['RELAY_RETRY_HORIZON_MINUTES', relaySettingsOf(config).retryHorizonMs / 60_000],
  ])
}

describe('the documents for the DPO (docs/dpo/)', () => {
  it('when the DPO opens docs/dpo/, then all five documents are there and not empty', () => {
    const missing = dpoDocuments.filter((path) => !existsSync(new URL(path, root)))
    expect(missing).toEqual([])
    for (const path of dpoDocuments) expect(read(path).length, path).toBeGreaterThan(2000)
  })

  it('when the deletion concept names a configuration variable, then the product has it', () => {
    const known = new Set<string>(Object.values(environmentNames))
    const named = variablesNamedIn(read('docs/dpo/loeschkonzept.md'))
    // Not vacuous: the retention settings themselves must be named.
    expect(named).toEqual(
      expect.arrayContaining([
        'AUDIT_RETENTION_DAYS',
        'CONSENT_RETENTION_DAYS',
        'KIOSK_IDLE_SECONDS',
      ]),
    )
    expect(named.filter((name) => !known.has(name))).toEqual([])
  })

  it('when the deletion concept states a default, then it is the default the product applies', () => {
    const documented = documentedDefaults(read('docs/dpo/loeschkonzept.md'))
    const actual = productDefaults()
    expect([...documented.keys()]).toEqual(
      expect.arrayContaining([
        'AUDIT_RETENTION_DAYS',
        'CONSENT_RETENTION_DAYS',
        'DRAFT_RETENTION_HOURS',
        'RETENTION_PURGE_INTERVAL_MINUTES',
        'KIOSK_IDLE_SECONDS',
      ]),
    )
    const wrong = [...documented].filter(([name, value]) => actual.get(name) !== value)
    expect(
      wrong.map(([name, value]) => ({ name, documented: value, product: actual.get(name) })),
    ).toEqual([])
  })

  it('when a document names a file of the project, then that file exists', () => {
    const cited = dpoDocuments.flatMap((path) =>
      [
        ...read(path).matchAll(
          /`((?:accounts|audit|bench|config|consent|crypto|db|docs|gateway|scripts|templates|tests)\/[A-Za-z0-9_./-]+\.(?:ts|json|md|txt))`/g,
        ),
      ].map(([, file]) => ({ in: path, file: file ?? '' })),
    )
    expect(cited.length).toBeGreaterThan(20)
    expect(cited.filter(({ file }) => !existsSync(new URL(file, root)))).toEqual([])
  })

  it('when someone reads the README or either DPO guide, then each document is linked', () => {
    for (const from of ['README.md', 'docs/dpo-guide.md', 'docs/dpo-guide.en.md']) {
      const text = read(from)
      const unlinked = dpoDocuments
        .map((path) => path.replace(/^docs\//, ''))
        .filter((path) => !text.includes(`${path})`))
      expect(unlinked, from).toEqual([])
    }
  })
})
