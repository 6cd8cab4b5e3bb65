import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { createConsentDraft, signConsent } from '../../gateway/consent/consent-service.ts'
import type { TestDatabase } from '../support/databases.ts'
import { runBrucke } from '../support/cli.ts'
import { seedAccounts } from '../support/accounts.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { paperScan } from '../support/signature-evidence.ts'

const secret = (byte: number) => Buffer.alloc(32, byte).toString('base64')

describe('consent CLI', () => {
  it('lists the vocabulary with the special categories marked', async () => {
    const run = await runBrucke(['consent', 'vocabulary'], { env: {} })
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/gesundheit\s+Gesundheit \[Art\. 9 DSGVO\]/)
    expect(run.stdout).toMatch(/justiz\s+.*\[Art\. 10 DSGVO\]/)
    expect(run.stdout).toMatch(/hilfeplan\s+.*\[§ 65 SGB VIII\]/)
  })

  it('lists the consent text templates', async () => {
    const run = await runBrucke(['consent', 'templates'], { env: {} })
    expect(run.stdout).toMatch(/schweigepflichtsentbindung\s+v1\s+de-ls/)
  })
})

describe('consent sweep-expired against sqlite', () => {
  let t: TestDeps
  let database: TestDatabase
  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    database = t.testDatabase
    await seedAccounts(t.deps)
    const caller = {
      actor: 'user:staff-jc',
      role: 'staff',
      agencyId: 'jc-demo',
      userId: 'staff-jc',
    } as const
    const draft = await createConsentDraft(t.deps, {
      caller,
      draft: {
        kind: 'einwilligung',
        subject: { givenName: 'Ida', familyName: 'Wellenreuther', birthDate: '2001-01-01' },
        senders: ['jc-demo'],
        recipients: ['aa-demo'],
        purposes: ['massnahme'],
        categories: ['integration'],
        validUntil: '2026-03-05',
      },
    })
    await signConsent(t.deps, {
      caller,
      consentId: draft.id,
      signature: {
        role: 'youth',
        name: 'Ida Wellenreuther',
        method: 'paper_scan',
        evidence: paperScan(),
      },
    })
  })
  afterAll(async () => t.close())

  it('records an expired consent once, with the real clock past its end', async () => {
    const env = {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: secret(3),
      BRUCKE_TOKEN_KEY: secret(4),
      DATABASE_URL: database.url,
    }
    // The CLI runs on the system clock, long after 2026-03-05 ended in Berlin.
    const first = await runBrucke(['consent', 'sweep-expired'], { env })
    expect(first.stdout).toContain('1 expired consent(s) recorded.')
    const second = await runBrucke(['consent', 'sweep-expired'], { env })
    expect(second.stdout).toContain('0 expired consent(s) recorded.')
    const entries = await listAuditEntries(t.deps.db, { limit: 1000 })
    expect(entries.filter((e) => e.event.type === 'consent_expired')).toHaveLength(1)
  })
})
