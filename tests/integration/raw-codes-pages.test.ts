import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import {
  moveToStep,
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
} from '../../gateway/kiosk/kiosk-service.ts'
import { openSelfService } from '../../gateway/self-service/self-service-service.ts'
import { findForeignDates, findRawCodes } from '../../templates/pages/raw-codes.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { deliverCaseSummary } from '../support/inbox-fixtures.ts'
import { drawnSignature } from '../support/signature-evidence.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { seedDpoScenario } from './dpo-fixtures.ts'

/*
 * Issue 18 point 6: no page shows a raw code. Every GET page the app serves is rendered here with
 * data behind it (consents in each state, a transfer sent and one refused, a revocation, a kiosk
 * push, an inbox item, a data request, a person at the kiosk and on /me, every audit entry on the
 * DPO's entry page) and read with the raw-code check (templates/pages/raw-codes.ts).
 *
 * A page route missing from `pages` fails the first test: a new page names who opens it and with
 * which ids (the ids come from the scenario below), or why it has no HTML of its own.
 */
type Who = 'anon' | 'staff-jc' | 'staff-ja' | 'dpo-all' | 'admin' | 'kiosk-jc' | 'me'
interface Ids {
  draft: string
  active: string
  revoked: string
  transfer: string
  inboxItem: string
  request: string
  /** The pseudonym of the person of the active consent (the person page). */
  person: string
}
type PageRow = { as: Who; paths?: (ids: Ids) => string[] } | { skip: string }

const pages: Record<string, PageRow> = {
  '/': { skip: 'redirects to the workplace of the role' },
  '/login': { as: 'anon' },
  '/staff': { as: 'staff-jc' },
  '/staff/consents/new': { as: 'staff-jc' },
  '/staff/consents/:id': {
    as: 'staff-jc',
    paths: (i) => [i.draft, i.active, i.revoked].map((id) => `/staff/consents/${id}`),
  },
  '/staff/consents/:id/print': {
    as: 'staff-jc',
    paths: (i) => [`/staff/consents/${i.draft}/print`],
  },
  '/staff/compose/:id': {
    as: 'staff-jc',
    // An ended consent's composer page offers its renewal instead (issue 18 point 3).
    paths: (i) => [`/staff/compose/${i.active}`, `/staff/compose/${i.revoked}`],
  },
  '/staff/transfers/:id': { as: 'staff-jc', paths: (i) => [`/staff/transfers/${i.transfer}`] },
  '/staff/requests': { as: 'staff-jc' },
  '/staff/requests/new': { as: 'staff-ja' },
  '/staff/requests/:id/answer': {
    as: 'staff-jc',
    paths: (i) => [`/staff/requests/${i.request}/answer`],
  },
  '/staff/inbox': { as: 'staff-ja' },
  '/staff/inbox/:id': { as: 'staff-ja', paths: (i) => [`/staff/inbox/${i.inboxItem}`] },
  '/staff/inbox/:id/copy.pdf': { skip: 'a PDF (receipt-pdf and inbox tests read it)' },
  '/staff/transfers/:id/attachments/:index': {
    skip: 'a download of what was sent (transfer-sender-copy.test.ts reads it)',
  },
  '/staff/inbox/:id/attachments/:index': {
    skip: 'a download of what a partner sent (inbox-pages and inbox-api tests read it)',
  },
  '/staff/consents/:id/renewal': {
    as: 'staff-jc',
    paths: (i) => [`/staff/consents/${i.active}/renewal`],
  },
  '/staff/people': { as: 'staff-jc' },
  '/staff/people/:pseudonym': { as: 'staff-jc', paths: (i) => [`/staff/people/${i.person}`] },
  '/staff/notifications': { as: 'staff-jc' },
  '/staff/transfers/:id/copy.pdf': { skip: 'a PDF (transfer-sender-copy.test.ts reads it)' },
  '/admin/certificates': { as: 'admin' },
  '/admin/kiosks': { as: 'admin' },
  '/dpo': { as: 'dpo-all' },
  '/dpo/entries/:seq': { skip: 'read below, one entry of each event type' },
  '/dpo/reports': { as: 'dpo-all', paths: () => ['/dpo/reports?from=2026-01-01&to=2026-12-31'] },
  '/dpo/reidentify': { as: 'dpo-all' },
  '/admin': { as: 'admin' },
  '/kiosk': { skip: 'read below, at each step of the person at the kiosk' },
  '/kiosk/read': { skip: 'read below, at each step of the person at the kiosk' },
  '/kiosk/choose': { skip: 'read below, at each step of the person at the kiosk' },
  '/kiosk/sign': { skip: 'read below, at each step of the person at the kiosk' },
  '/kiosk/receipt': { skip: 'read below, at each step of the person at the kiosk' },
  '/kiosk/done': { as: 'kiosk-jc' },
  '/kiosk/revoke': { as: 'kiosk-jc' },
  '/me': { as: 'anon' },
  '/me/consents': { skip: 'read below, with the person who signed at the kiosk' },
  '/me/proof/:seq': { skip: 'a JSON proof file (self-service tests)' },
  '/me/export.json': { skip: 'a JSON file (self-service-export.test.ts)' },
  '/me/export.pdf': { skip: 'a PDF file (self-service-export.test.ts)' },
  '/me/receipt/:consentId': { skip: 'a PDF file (receipt-pdf.test.ts)' },
}

/** Codes of one word, which only a list can tell from words. */
const oneWordCodes = [
  // `wohnen` is also a German verb.
  ...Object.keys(vocabulary.categories).filter((id) => id !== 'wohnen'),
  ...Object.keys(vocabulary.purposes),
  ...['draft', 'active', 'revoked', 'lapsed', 'expired', 'declined', 'discarded'],
  ...['queued', 'sending', 'retrying', 'delivered', 'failed', 'cancelled_revoked'],
  ...['staff', 'kiosk', 'api', 'page', 'smtp', 'youth', 'guardian', 'permit', 'deny'],
  ...['einwilligung', 'schweigepflichtsentbindung', 'accepted', 'refused'],
]
/**
 * Agencies are shown by name on staff, DPO, kiosk and /me pages. The admin pages show each id
 * beside its name on purpose: it is the handle an operator types (`brucke … --agency jc-demo`).
 */
const agencyIds = ['jc-demo', 'aa-demo', 'ja-demo']

const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}

describe.each(dialects)('no raw code on any page on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  const cookies = new Map<Who, string>()
  let ids: Ids

  async function get(
    who: Who,
    path: string,
  ): Promise<{ status: number; type: string; text: string }> {
    const cookie = cookies.get(who)
    const res = await fetch(server.url + path, {
      headers: cookie ? { cookie } : {},
      redirect: 'manual',
    })
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text: await res.text(),
    }
  }

  /** The raw codes of a page, each with where it stands. */
  async function rawCodesOf(who: Who, path: string): Promise<string[]> {
    const page = await get(who, path)
    expect(page.status, `${path} as ${who}`).toBe(200)
    expect(page.type, path).toContain('text/html')
    // Person pages (kiosk, /me) write dates in the person's language; staff, DPO and admin pages
    // in the one format DD.MM.YYYY, HH:MM.
    const dates = /^\/(staff|dpo|admin)/.test(path) ? findForeignDates(page.text) : []
    const codes = path.startsWith('/admin') ? oneWordCodes : [...oneWordCodes, ...agencyIds]
    return [...findRawCodes(page.text, codes), ...dates].map(
      (c) => `${path}: «${c.code}» in «${c.context}»`,
    )
  }

  const createConsent = async (givenName: string) => {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName, familyName: 'Kodierfrei', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil: '2026-12-31',
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    return res.body as { id: string; kioskCode: string }
  }

  beforeAll(async () => {
    const relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    const scenario = await seedDpoScenario(server, t.deps, t.clock, tokens)
    for (const who of ['staff-jc', 'staff-ja', 'dpo-all', 'admin', 'kiosk-jc'] as const)
      cookies.set(who, (await sessionFor(t.deps, who)).cookie)
    const staff = await sessionFor(t.deps, 'staff-jc')
    cookies.set('staff-jc', staff.cookie)

    // A transfer sent from the composer (browser session), and one the consent does not cover.
    const send = (category: string) =>
      server.api('POST', '/transfers', {
        headers: { cookie: staff.cookie, 'x-csrf-token': staff.csrfToken },
        body: {
          consentId: scenario.expiringConsentId,
          to: 'ja-demo',
          purpose: 'hilfeplanung',
          necessity: 'Abstimmung des Hilfeplans mit dem Jugendamt vor dem Gespräch.',
          sections: [{ category, title: 'Stand', body: 'Regelmäßiger Schulbesuch.' }],
        },
      })
    const sent = await send('schule')
    expect(sent.status, JSON.stringify(sent.body)).toBe(202)
    expect((await send('gesundheit')).status).toBe(403)

    // A draft pushed to the kiosk from the consent page (audit event kiosk_draft_pushed).
    const draft = await createConsent('Dora')
    const pushed = await fetch(`${server.url}/staff/consents/${draft.id}/push`, {
      method: 'POST',
      headers: { cookie: staff.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: staff.csrfToken, kioskId: 'kiosk-jc' }).toString(),
      redirect: 'manual',
    })
    expect(pushed.status).toBeLessThan(400)

    const request = await server.api('POST', '/requests', {
      token: tokens['staff-ja'],
      body: {
        consentId: scenario.expiringConsentId,
        from: 'jc-demo',
        purpose: 'hilfeplanung',
        categories: ['schule'],
      },
    })
    expect(request.status, JSON.stringify(request.body)).toBe(201)

    const inbox = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: scenario.expiringConsentId,
      person: { name: 'Leonie Quastenberg', birthDate: '2005-06-10' },
      sections: [{ category: 'schule', title: 'Schule', body: 'Regelmäßiger Schulbesuch.' }],
      at: t.clock.now(),
    })

    ids = {
      draft: draft.id,
      active: scenario.expiringConsentId,
      revoked: scenario.revokedConsentId,
      transfer: (sent.body as { id: string }).id,
      inboxItem: inbox.id,
      request: (request.body as { id: string }).id,
      person: (
        await t.deps.db
          .selectFrom('consents')
          .select('subject_pseudonym')
          .where('id', '=', scenario.expiringConsentId)
          .executeTakeFirstOrThrow()
      ).subject_pseudonym,
    }
  }, 180_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  it('knows every page route the app serves', () => {
    const served = server.built.pageRoutes
      .filter((r) => r.method.toLowerCase() === 'get')
      .map((r) => r.path)
      .sort()
    expect(served, 'add the new page to `pages` in this file').toEqual(Object.keys(pages).sort())
  })

  it('shows German labels, never a code, on the staff, DPO, admin and /me pages', async () => {
    const found: string[] = []
    for (const [route, row] of Object.entries(pages)) {
      if ('skip' in row) continue
      for (const path of row.paths ? row.paths(ids) : [route]) {
        found.push(...(await rawCodesOf(row.as, path)))
      }
    }
    expect(found).toEqual([])
  }, 120_000)

  it('shows German labels at every step at the kiosk, and on the person page /me', async () => {
    const found: string[] = []
    const consent = await createConsent('Kira')
    found.push(...(await rawCodesOf('kiosk-jc', '/kiosk')))
    await startFromPickupCode(t.deps, kiosk, consent.kioskCode)
    found.push(...(await rawCodesOf('kiosk-jc', '/kiosk/read')))
    await showTextAtKiosk(t.deps, kiosk)
    await moveToStep(t.deps, kiosk, 'choose')
    found.push(...(await rawCodesOf('kiosk-jc', '/kiosk/choose')))
    await saveChoices(t.deps, kiosk, { recipients: ['ja-demo'], categories: ['schule'] })
    await moveToStep(t.deps, kiosk, 'sign')
    found.push(...(await rawCodesOf('kiosk-jc', '/kiosk/sign')))
    await signAtKiosk(t.deps, kiosk, { name: 'Kira Kodierfrei', evidence: drawnSignature() })
    found.push(...(await rawCodesOf('kiosk-jc', '/kiosk/receipt')))
    const code = (await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode ?? ''
    const { token } = await openSelfService(t.deps, { receiptCode: code, birthDate: '2005-06-10' })
    cookies.set('me', `brucke_me=${token}`)
    found.push(...(await rawCodesOf('me', '/me/consents')))
    expect(found).toEqual([])
  }, 120_000)

  it('names every audit entry in words on the DPO entry page', async () => {
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    const found: string[] = []
    // One entry of each type is enough: the page renders each type's fields the same way.
    const seen = new Set<string>()
    for (const e of entries) {
      const type = (e.event as { type: string }).type
      if (seen.has(type)) continue
      seen.add(type)
      found.push(...(await rawCodesOf('dpo-all', `/dpo/entries/${e.seq}`)))
    }
    expect(seen.size).toBeGreaterThan(10)
    expect(found).toEqual([])
  }, 120_000)
})
