import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import {
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
  wipeKiosk,
} from '../../gateway/kiosk/kiosk-service.ts'
import { openSelfService } from '../../gateway/self-service/self-service-service.ts'
import { stringsFor } from '../../templates/pages/i18n/person-language.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { drawnSignature } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}

interface Exported {
  format: string
  language: string
  person: { givenName: string; familyName: string; birthDate: string }
  consents: {
    id: string
    status: { id: string; label: string }
    text: { language: string; body: string }
    signatures: { role: { id: string; label: string }; method: { id: string; label: string } }[]
    refusedAttempts: { from: { agencyId: string }; reasons: { id: string; label: string }[] }[]
    history: { event: { id: string; label: string }; by: { kind: string; label: string } }[]
  }[]
}

describe.each(dialects)('the /me access export on %s', (dialect) => {
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

  /** A consent signed at the kiosk for the same person each time; its receipt code. */
  async function signedConsent(): Promise<{ id: string; code: string }> {
    const created = await server.api('POST', '/consents', {
      token: tokens['staff-jc'] as string,
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil: '2026-12-31',
      },
    })
    expect(created.status).toBe(201)
    const { id, kioskCode } = created.body as { id: string; kioskCode: string }
    await startFromPickupCode(t.deps, kiosk, kioskCode)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, {
      recipients: ['ja-demo'],
      categories: ['schule', 'berufswahl'],
    })
    await signAtKiosk(t.deps, kiosk, { name: 'Leonie Quastenberg', evidence: drawnSignature() })
    const code = (await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode ?? ''
    await wipeKiosk(t.deps, kiosk)
    return { id, code }
  }

  /** A transfer the decision refuses: a category the consent does not cover. */
  const refusedTransfer = async (consentId: string) => {
    const response = await server.api('POST', '/transfers', {
      token: tokens['staff-jc'] as string,
      body: {
        consentId,
        to: 'ja-demo',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung des Hilfeplans mit dem Kooperationsplan.',
        sections: [{ category: 'gesundheit', title: 'Gesundheit', body: 'Text' }],
      },
    })
    expect(response.status).toBe(403)
  }

  it('when a person downloads the export, then it holds exactly the consents of their receipt with text, refusals and history in the chosen language, naming agencies and never staff accounts', async () => {
    const mine = await signedConsent()
    const other = await signedConsent()
    await refusedTransfer(mine.id)
    await refusedTransfer(other.id)
    const { token } = await openSelfService(t.deps, {
      receiptCode: mine.code,
      birthDate: '2005-06-10',
    })

    const response = await fetch(`${server.url}/me/export.json?lang=tr`, {
      headers: { cookie: `brucke_me=${token}` },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="auskunft-\d{4}-\d{2}-\d{2}\.json"$/,
    )
    // The language asked for is kept for the next /me page.
    expect(response.headers.get('set-cookie')).toContain('brucke_me_lang=tr')
    const body = await response.text()
    const exported = JSON.parse(body) as Exported
    const tr = stringsFor('tr')
    expect(exported).toMatchObject({
      format: 'brucke-self-service-export/v1',
      language: 'tr',
      person: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
    })
    expect(exported.consents.map((c) => c.id)).toEqual([mine.id])
    const [consent] = exported.consents
    expect(consent?.status).toEqual({ id: 'active', label: tr.statusActive })
    expect(consent?.text.language).toBe('tr')
    expect(consent?.text.body.length).toBeGreaterThan(200)
    expect(consent?.signatures[0]).toMatchObject({
      role: { id: 'youth', label: tr.roleYouth },
      method: { id: 'kiosk_drawn', label: tr.methodKioskDrawn },
    })
    expect(consent?.refusedAttempts).toHaveLength(1)
    expect(consent?.refusedAttempts[0]?.from.agencyId).toBe('jc-demo')
    expect(consent?.refusedAttempts[0]?.reasons).toContainEqual({
      id: 'category_not_covered:gesundheit',
      label: tr.reasonNotCovered,
    })
    const events = consent?.history.map((h) => h.event.id) ?? []
    expect(events).toEqual(
      expect.arrayContaining([
        'consent_created',
        'consent_signed',
        'receipt_issued',
        'transfer_denied',
      ]),
    )
    expect(consent?.history.find((h) => h.event.id === 'consent_created')?.by.label).toBe(
      'Jobcenter Demo-Stadt (U25)',
    )
    expect(body).not.toContain(other.id)
    expect(body).not.toContain('staff-jc')
    expect(body).not.toContain('kiosk-jc')

    const pdf = await fetch(`${server.url}/me/export.pdf`, {
      headers: { cookie: `brucke_me=${token}; brucke_me_lang=tr` },
    })
    expect(pdf.headers.get('content-type')).toBe('application/pdf')
    expect(pdf.headers.get('content-disposition')).toMatch(
      /^attachment; filename="auskunft-.*\.pdf"$/,
    )
    const bytes = Buffer.from(await pdf.arrayBuffer()).toString('latin1')
    expect(bytes.startsWith('%PDF-')).toBe(true)
    expect(bytes).toContain('/Lang (tr)')
  })

  it('when no /me session is open, then both exports lead back to the sign-in', async () => {
    for (const path of ['/me/export.json', '/me/export.pdf']) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' })
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe('/me')
    }
  })
})
