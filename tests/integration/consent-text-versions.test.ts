import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findTemplateVersion } from '../../consent/consent-text.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { loadConsentTextLibrary } from '../../templates/consent/load-consent-templates.ts'
import { seedAccounts } from '../support/accounts.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * New wording is a new template version that a DPO approves; new drafts use the newest approved
 * version per kind and language; old consents keep theirs (issue «Consent integrity» point 4).
 */

interface View {
  id: string
  kioskCode: string
  text: { templateId: string; version: number; language: string; sha256: string }
  textVersions: Record<string, number>
  signatures: { text?: { version: number; sha256: string } }[]
}

describe.each(dialects)('consent text versions on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    // The shipped texts plus a further German wording of the Einwilligung, not yet approved.
    const shipped = loadConsentTextLibrary()
    const v2 = findTemplateVersion(shipped.templates, {
      templateId: 'einwilligung',
      version: 2,
      language: 'de',
    })
    const v3 = {
      ...v2,
      version: 3,
      body: `${v2.body}\nFassung 3: mit einem weiteren Hinweis.\n`,
    }
    t = await createTestDeps(dialect, {
      consentTexts: { ...shipped, templates: [...shipped.templates, v3] },
    })
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  const draft = async (language = 'de') => {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
        language,
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as View
  }

  it('when a new version is not approved, then drafts keep the approved one; after the DPO approves it, new drafts use it and old ones keep theirs', async () => {
    const listed = await server.api('GET', '/consent-texts', { token: tokens['staff-jc'] })
    const entry = (
      listed.body as {
        texts: { version: number; language: string; templateId: string; approved: boolean }[]
      }
    ).texts.find((x) => x.templateId === 'einwilligung' && x.version === 3 && x.language === 'de')
    expect(entry).toMatchObject({ approved: false })
    const before = await draft()
    expect(before.text.version).toBe(2)
    expect(before.textVersions).toMatchObject({ de: 2, en: 2, ar: 2 })

    // Only a DPO for all agencies approves; a DPO of one agency, staff and admins may not.
    const body = { templateId: 'einwilligung', version: 3, language: 'de' }
    for (const who of ['dpo-jc', 'staff-jc', 'admin'])
      expect(
        (await server.api('POST', '/consent-texts/approvals', { token: tokens[who], body })).status,
        who,
      ).toBe(403)
    const missing = await server.api('POST', '/consent-texts/approvals', {
      token: tokens['dpo-all'],
      body: { ...body, version: 9 },
    })
    expect(missing.status).toBe(400)
    const approved = await server.api('POST', '/consent-texts/approvals', {
      token: tokens['dpo-all'],
      body,
    })
    expect(approved.status, JSON.stringify(approved.body)).toBe(201)
    expect(approved.body).toMatchObject({ approved: true, approvedBy: 'user:dpo-all' })
    const entries = await listAuditEntries(t.deps.db, { limit: 100000 })
    expect(entries.at(-1)?.event).toMatchObject({ type: 'consent_text_approved', version: 3 })

    const after = await draft()
    expect(after.text.version).toBe(3)
    expect(after.textVersions).toMatchObject({ de: 3, en: 2 })
    expect(after.text.sha256).not.toBe(before.text.sha256)
    // Other languages were not re-approved: an English draft still uses version 2.
    expect((await draft('en')).text.version).toBe(2)

    // The old draft keeps its version, its text and its hash; signed in German, it proves v2.
    const oldText = await server.api('GET', `/consents/${before.id}/text`, {
      token: tokens['staff-jc'],
    })
    expect(oldText.body).toMatchObject({ version: 2, sha256: before.text.sha256 })
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] as string,
      kioskCode: before.kioskCode,
      consentId: before.id,
      signature: { role: 'youth', name: 'Leonie Quastenberg' },
    })
    expect((signed.body as View).signatures[0]?.text).toMatchObject({
      version: 2,
      sha256: before.text.sha256,
    })
  })
})
