import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addAgency, setAgencyPrivacyNotice } from '../../gateway/accounts/account-service.ts'
import { demoAgencies, ensureDemoSetup } from '../../gateway/demo-setup.ts'
import { findAgency, writeSetting } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { runBrucke, runBruckeInProcess } from '../support/cli.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * Every consent text tells the person what Art. 13 GDPR asks, from the agencies' own
 * configuration, and names the person (issue «The person's side», point 1).
 */

interface View {
  id: string
  kioskCode: string
  text: { version: number; sha256: string }
  signatures: { text?: { sha256: string } }[]
}

const noticeOf = (id: string) => {
  const notice = demoAgencies.find((a) => a.id === id)?.privacyNotice
  if (!notice) throw new Error(`demo agency ${id} has no privacy notice`)
  return notice
}

describe.each(dialects)('Art. 13 information in consent texts on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  const draft = async (overrides: Record<string, unknown> = {}) =>
    server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
        ...overrides,
      },
    })
  const textOf = async (id: string, language: string) => {
    const res = await server.api('GET', `/consents/${id}/text?language=${language}`, {
      token: tokens['staff-jc'],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body as { text: string; sha256: string; version: number }
  }

  it('when staff prepare a consent, then its text in every language names the person and shows each named agency’s configured controller, DPO and supervisory authority', async () => {
    const res = await draft()
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const view = res.body as View
    for (const language of ['de', 'de-ls', 'en', 'ar', 'tr', 'uk', 'ru', 'fa']) {
      const { text, version } = await textOf(view.id, language)
      expect(version).toBe(2)
      expect(text, language).toContain('Leonie Quastenberg')
      for (const id of ['jc-demo', 'ja-demo']) {
        const notice = noticeOf(id)
        expect(text, `${language} ${id}`).toContain(notice.controller)
        expect(text, `${language} ${id}`).toContain(notice.dpoContact)
        expect(text, `${language} ${id}`).toContain(notice.supervisoryAuthority)
      }
      // An agency the consent does not name is not listed.
      expect(text, language).not.toContain(noticeOf('aa-demo').controller)
    }
  })

  it('when the youth is a minor, then the text says a guardian co-signs and the consent must be confirmed at 18; for an adult it does not', async () => {
    const minor = (await draft({
      subject: { givenName: 'Ben', familyName: 'Quastenberg', birthDate: '2010-05-01' },
    })) as { status: number; body: View & { requiredSignatories: string[] } }
    expect(minor.body.requiredSignatories).toEqual(['youth', 'guardian'])
    const adult = (await draft()).body as View
    const heading: Record<string, string> = {
      de: 'Was gilt, weil Sie noch nicht 18 sind?',
      'de-ls': 'Was gilt, weil Sie noch nicht 18 sind?',
      en: 'What applies because you are not yet 18?',
      ru: 'Что действует, потому что вам ещё нет 18 лет?',
    }
    for (const [language, line] of Object.entries(heading)) {
      expect((await textOf(minor.body.id, language)).text, language).toContain(line)
      expect((await textOf(adult.id, language)).text, language).not.toContain(line)
    }
  })

  it('when an agency changes its Art. 13 information after a draft, then that draft keeps the text and hash it was shown and signed with; new drafts show the new information', async () => {
    const before = (await draft()).body as View
    const changed = {
      ...noticeOf('ja-demo'),
      dpoContact: 'Neue Datenschutzbeauftragte, dsb-neu@ja-demo.example',
    }
    await setAgencyPrivacyNotice(t.deps, { actor: 'system', agencyId: 'ja-demo', notice: changed })
    const entries = await listAuditEntries(t.deps.db, { limit: 100_000 })
    expect(entries.at(-1)?.event).toMatchObject({
      type: 'agency_privacy_notice_set',
      agencyId: 'ja-demo',
    })

    const old = await textOf(before.id, 'de')
    expect(old.sha256).toBe(before.text.sha256)
    expect(old.text).toContain(noticeOf('ja-demo').dpoContact)
    expect(old.text).not.toContain('dsb-neu@ja-demo.example')
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] as string,
      kioskCode: before.kioskCode,
      consentId: before.id,
      signature: { role: 'youth', name: 'Leonie Quastenberg' },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    expect((signed.body as View).signatures[0]?.text?.sha256).toBe(before.text.sha256)

    const after = (await draft()).body as View
    const fresh = await textOf(after.id, 'de')
    expect(fresh.text).toContain('dsb-neu@ja-demo.example')
    expect(fresh.sha256).toBe(after.text.sha256)
    await setAgencyPrivacyNotice(t.deps, {
      actor: 'system',
      agencyId: 'ja-demo',
      notice: noticeOf('ja-demo'),
    })
  })

  it('when a named agency has no Art. 13 information, then the draft is refused and nothing is stored; once it is entered, the draft succeeds', async () => {
    await addAgency(t.deps, {
      actor: 'system',
      agency: {
        id: 'tr-demo',
        name: 'Träger Demo',
        kind: 'traeger',
        mailbox: 'fallteam@tr-demo.example',
      },
    })
    const count = async () => (await t.deps.db.selectFrom('consents').select('id').execute()).length
    const before = await count()
    const refused = await draft({ recipients: ['ja-demo', 'tr-demo'] })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({
      error: {
        code: 'ERR_CONSENT_PRIVACY_NOTICE_MISSING',
        details: {
          problems: [
            { code: 'ERR_CONSENT_PRIVACY_NOTICE_MISSING', path: 'recipients.1', value: 'tr-demo' },
          ],
        },
      },
    })
    expect(await count()).toBe(before)

    await setAgencyPrivacyNotice(t.deps, {
      actor: 'system',
      agencyId: 'tr-demo',
      notice: {
        controller: 'Träger Demo gGmbH, Hafenweg 3, 12345 Demo-Stadt',
        dpoContact: 'dsb@tr-demo.example',
        supervisoryAuthority: noticeOf('ja-demo').supervisoryAuthority,
      },
    })
    const accepted = await draft({ recipients: ['ja-demo', 'tr-demo'] })
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(201)
    const { text } = await textOf((accepted.body as View).id, 'en')
    expect(text).toContain('Träger Demo: Träger Demo gGmbH, Hafenweg 3, 12345 Demo-Stadt')
    // One supervisory authority line names every agency it is competent for.
    expect(text).toContain(
      `Jugendamt Demo-Stadt, Träger Demo: ${noticeOf('ja-demo').supervisoryAuthority}`,
    )
  })
})

describe.each(dialects)('brucke agency privacy-notice on %s', (dialect) => {
  let database: TestDatabase
  let env: Record<string, string>
  const secret = (byte: number) => Buffer.alloc(32, byte).toString('base64')

  beforeAll(async () => {
    database = await createTestDatabase(dialect, { migrate: false })
    env = {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: secret(7),
      BRUCKE_TOKEN_KEY: secret(8),
      DATABASE_URL: database.url,
      BRUCKE_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'brucke-notice-cli-')), 'data'),
    }
  })
  afterAll(async () => database.drop())

  it('when the operator registers an agency without it, then the CLI says so; the three values set it, and fewer are refused', async () => {
    // The binary itself, as an operator starts it; the file's other commands run in this process
    // (runBruckeInProcess: the same code minus main.ts) because each start costs seconds.
    const added = await runBrucke(
      ['agency', 'add', '--id', 'tr-nord', '--name', 'Träger Nord', '--kind', 'traeger'].concat([
        '--mailbox',
        'team@tr-nord.example',
      ]),
      { env },
    )
    expect(added.code, added.stderr).toBe(0)
    expect(added.stderr).toContain('brucke agency privacy-notice --id tr-nord')

    const partial = await runBruckeInProcess(
      ['agency', 'privacy-notice', '--id', 'tr-nord', '--controller', 'Träger Nord gGmbH'],
      { env },
    )
    expect(partial.code).not.toBe(0)
    expect(partial.stdout).not.toContain('set')

    const set = await runBruckeInProcess(
      [
        'agency',
        'privacy-notice',
        '--id',
        'tr-nord',
        '--controller',
        'Träger Nord gGmbH, Nordweg 1, 12345 Nordstadt',
        '--dpo-contact',
        'dsb@tr-nord.example',
        '--supervisory-authority',
        'Landesbeauftragte für den Datenschutz Nord',
      ],
      { env },
    )
    expect(set.code, set.stderr).toBe(0)
    const listed = await runBruckeInProcess(['agency', 'list', '--json'], { env })
    expect(JSON.parse(listed.stdout)).toMatchObject([
      {
        id: 'tr-nord',
        privacyNotice: {
          controller: 'Träger Nord gGmbH, Nordweg 1, 12345 Nordstadt',
          dpoContact: 'dsb@tr-nord.example',
          supervisoryAuthority: 'Landesbeauftragte für den Datenschutz Nord',
        },
      },
    ])

    const unknown = await runBruckeInProcess(
      [
        'agency',
        'privacy-notice',
        '--id',
        'nowhere',
        '--controller',
        'Niemand, Weg 1',
        '--dpo-contact',
        'dsb@nowhere.example',
        '--supervisory-authority',
        'Aufsicht Nirgendwo',
      ],
      { env },
    )
    expect(unknown.code).not.toBe(0)
    expect(unknown.stderr).toContain('nowhere')
  }, 180_000)
})

describe.each(dialects)(
  'a demo set up before agencies carried Art. 13 information, on %s',
  (dialect) => {
    let t: TestDeps
    beforeAll(async () => {
      t = await createTestDeps(dialect)
    })
    afterAll(async () => t.close())

    it('when it starts again, then the demo agencies without it get the demo values', async () => {
      for (const agency of demoAgencies)
        await addAgency(t.deps, { actor: 'system', agency: { ...agency, privacyNotice: null } })
      await writeSetting(t.deps.db, 'demo_setup', t.clock.now().toISOString(), t.clock.now())
      const outcome = await ensureDemoSetup(t.deps)
      expect(outcome.created).toBe(false)
      for (const agency of demoAgencies)
        expect((await findAgency(t.deps.db, agency.id))?.privacyNotice).toEqual(
          agency.privacyNotice,
        )
    })
  },
)
