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
import { say } from '../../templates/pages/i18n/person-language.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { drawnSignature } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * The error pages the person can meet (issue «The person's side», point 2: one language from
 * start to finish): on the kiosk and `/me` in the person's language with `lang` and `dir`,
 * right to left in Arabic; staff pages keep German.
 */

const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}
const birthDate = '2005-06-10'
const htmlTag = (page: string) => /<html [^>]*>/.exec(page)?.[0] ?? ''

describe.each(dialects)('error pages on the person’s side on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  const draft = async (): Promise<{ id: string; kioskCode: string }> => {
    const response = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(response.status).toBe(201)
    return response.body as { id: string; kioskCode: string }
  }

  const post = async (path: string, cookie: string, fields: Record<string, string>) => {
    const response = await fetch(server.url + path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    })
    return { status: response.status, text: await response.text() }
  }

  /** A consent signed at the kiosk and a /me session on its receipt: the cookie. */
  const meSession = async (): Promise<{ id: string; cookie: string }> => {
    const { id, kioskCode } = await draft()
    await startFromPickupCode(t.deps, kiosk, kioskCode, 'ar')
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, { recipients: ['ja-demo'], categories: ['schule'] })
    await signAtKiosk(t.deps, kiosk, { name: 'Leonie Quastenberg', evidence: drawnSignature() })
    const code = (await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode ?? ''
    await wipeKiosk(t.deps, kiosk)
    const { token } = await openSelfService(t.deps, { receiptCode: code, birthDate })
    return { id, cookie: `brucke_me=${token}` }
  }

  it('when a /me form in Arabic carries an expired form token, then the refusal is an Arabic page, right to left, and the consent stays active', async () => {
    const { id, cookie } = await meSession()
    const stale = await post('/me/revoke', `${cookie}; brucke_me_lang=ar`, {
      _csrf: 'from-an-older-page',
      consentId: id,
      confirm: 'yes',
    })
    expect(stale.status).toBe(403)
    expect(htmlTag(stale.text)).toContain('lang="ar"')
    expect(htmlTag(stale.text)).toContain('dir="rtl"')
    expect(stale.text).toContain(say('ar', 'errorPageStaleTitle'))
    expect(stale.text).toContain(say('ar', 'errorPageStaleText'))
    expect(stale.text).toContain('href="/me"')
    expect(stale.text).not.toContain('Sitzung abgelaufen')
    const consent = await server.api('GET', `/consents/${id}`, { token: tokens['staff-jc'] })
    expect((consent.body as { status: string }).status).toBe('active')

    // Without a chosen language, the same refusal in German.
    const german = await post('/me/revoke', cookie, { _csrf: 'x', consentId: id, confirm: 'yes' })
    expect(german.status).toBe(403)
    expect(htmlTag(german.text)).toContain('lang="de"')
    expect(german.text).toContain('Sitzung abgelaufen')
  })

  it('when a /me page does not exist, then “not found” is said in the language of /me', async () => {
    const response = await fetch(`${server.url}/me/nothing-here`, {
      headers: { cookie: 'brucke_me_lang=fa' },
    })
    expect(response.status).toBe(404)
    const text = await response.text()
    expect(htmlTag(text)).toContain('lang="fa"')
    expect(htmlTag(text)).toContain('dir="rtl"')
    expect(text).toContain(say('fa', 'errorPageNotFoundText'))
  })

  it('when a kiosk form in the Arabic flow carries an expired form token, then the refusal is Arabic, right to left; a staff page stays German', async () => {
    const device = await sessionFor(t.deps, 'kiosk-jc')
    const { kioskCode } = await draft()
    await startFromPickupCode(t.deps, kiosk, kioskCode, 'ar')
    const stale = await post('/kiosk/finish', device.cookie, { _csrf: 'from-an-older-page' })
    expect(stale.status).toBe(403)
    expect(htmlTag(stale.text)).toContain('lang="ar"')
    expect(htmlTag(stale.text)).toContain('dir="rtl"')
    expect(stale.text).toContain(say('ar', 'errorPageStaleTitle'))
    expect(stale.text).toContain('href="/kiosk"')
    expect(stale.text).not.toContain('Sitzung abgelaufen')
    // An unknown kiosk path: the device's session is read, its flow's language is used.
    const missing = await fetch(`${server.url}/kiosk/nothing-here`, {
      headers: { cookie: device.cookie },
    })
    expect(missing.status).toBe(404)
    const missingText = await missing.text()
    expect(htmlTag(missingText)).toContain('dir="rtl"')
    expect(missingText).toContain(say('ar', 'errorPageNotFoundTitle'))
    await wipeKiosk(t.deps, kiosk)

    const staff = await sessionFor(t.deps, 'staff-jc')
    const staffStale = await post('/staff/consents', staff.cookie, { _csrf: 'old' })
    expect(staffStale.status).toBe(403)
    expect(htmlTag(staffStale.text)).toContain('lang="de"')
    expect(staffStale.text).toContain('Sitzung abgelaufen')
  })
})
