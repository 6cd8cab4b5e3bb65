import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import type { Role } from '../../accounts/roles.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import {
  createRelayPki,
  registerRelayPki,
  testDeliveryContext,
} from '../support/smtp-relay-setup.ts'
import { runDeliveryRound } from '../../gateway/relay/delivery-worker.ts'
import { listConsentsExpiringSoon } from '../../gateway/audit/consent-lookups.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * Renewal (issue 18 point 5), the whole path: "verlängern / erneuern" on an ending consent, the
 * form prefilled from it, the new draft to the kiosk, and the old consent ending when the new one
 * is signed — transfers under the old one refused from then on, under the new one permitted.
 * The test clock starts at 2026-03-02T09:00Z (10:00 in Berlin).
 */

type Session = { cookie: string; csrfToken: string }
const person = { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' }

const transferBody = (consentId: string) => ({
  consentId,
  to: 'ja-demo',
  purpose: 'hilfeplanung',
  necessity: 'Abstimmung des Kooperationsplans mit dem Hilfeplan vor dem Gespräch am 10.03.',
  sections: [{ category: 'schule', title: 'Schulische Situation', body: 'Regelmäßiger Besuch.' }],
})

describe.each(dialects)('consent renewal on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let jc: Session

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, await createRelayPki())
    server = await startTestServer(t.deps)
    jc = await sessionFor(t.deps, 'staff-jc')
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  async function token(userId: string, role: Role, agencyId: string | null): Promise<string> {
    const issued = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId,
      role,
      agencyId,
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    return issued.token
  }
  const staffJc = () => token('staff-jc', 'staff', 'jc-demo')
  const kioskJc = () => token('kiosk-jc', 'kiosk', 'jc-demo')

  const page = async (session: Session, path: string) => {
    const res = await fetch(server.url + path, {
      headers: { cookie: session.cookie },
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), headers: res.headers }
  }
  const postForm = async (session: Session, path: string, fields: [string, string][]) => {
    const body = new URLSearchParams([['_csrf', session.csrfToken], ...fields])
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      redirect: 'manual',
    })
    return { status: res.status, text: await res.text(), headers: res.headers }
  }

  /** A signed Jobcenter → Jugendamt consent, valid until `validUntil`; its id. */
  async function signedConsent(validUntil: string, subject = person): Promise<string> {
    const draft = await server.api('POST', '/consents', {
      token: await staffJc(),
      body: {
        kind: 'einwilligung',
        subject: { ...subject, caseRefs: { 'jc-demo': 'BG-4711' } },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil,
      },
    })
    expect(draft.status, JSON.stringify(draft.body)).toBe(201)
    const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
    await signAt(id, kioskCode)
    return id
  }
  async function signAt(consentId: string, kioskCode: string): Promise<void> {
    const signed = await signAtKioskOverApi(server, {
      kioskToken: await kioskJc(),
      kioskCode,
      consentId,
      signature: { role: 'youth', name: `${person.givenName} ${person.familyName}` },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
  }
  async function consent(id: string): Promise<Record<string, unknown>> {
    const res = await server.api('GET', `/consents/${id}`, { token: await staffJc() })
    expect(res.status).toBe(200)
    return res.body as Record<string, unknown>
  }
  /** The form fields of the renewal page as the browser would post them back. */
  function fieldsOf(page: string): [string, string][] {
    const html = /<form[^>]*class="prepare-form"[\s\S]*?<\/form>/.exec(page)?.[0] ?? ''
    const fields: [string, string][] = []
    for (const m of html.matchAll(/<input\b([^>]*)>/g)) {
      const attrs = m[1] ?? ''
      const name = /name="([^"]*)"/.exec(attrs)?.[1]
      const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? ''
      const type = /type="([^"]*)"/.exec(attrs)?.[1] ?? 'text'
      if (!name || name === '_csrf' || type === 'file') continue
      if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(attrs)) continue
      fields.push([name, value])
    }
    for (const m of html.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
      const selected = /<option value="([^"]*)"[^>]*selected/.exec(m[2] ?? '')?.[1]
      if (m[1] && selected !== undefined) fields.push([m[1], selected])
    }
    return fields
  }

  it('when the renewal of an ending consent is signed at the kiosk, then the old consent ends and only the new one carries transfers', async () => {
    const oldId = await signedConsent('2026-03-20')

    // The consent page of an ending consent offers the renewal.
    const detail = await page(jc, `/staff/consents/${oldId}`)
    expect(detail.status).toBe(200)
    expect(detail.text).toContain('verlängern / erneuern')
    expect(detail.text).toContain(`href="/staff/consents/${oldId}/renewal"`)

    // The form, prefilled from the old consent, with today's date and a new validity.
    const form = await page(jc, `/staff/consents/${oldId}/renewal`)
    expect(form.status, form.text).toBe(200)
    expect(form.text).toContain('Einwilligung erneuern')
    expect(form.text).toContain(`action="/staff/consents/${oldId}/renewal"`)
    const fields = fieldsOf(form.text)
    expect(fields).toEqual(
      expect.arrayContaining([
        ['givenName', 'Leonie'],
        ['familyName', 'Quastenberg'],
        ['birthDate', '2005-06-10'],
        ['caseRef', 'BG-4711'],
        ['senders', 'jc-demo'],
        ['recipients', 'ja-demo'],
        ['purposes', 'hilfeplanung'],
        ['categories', 'schule'],
        ['categories', 'berufswahl'],
        ['validFrom', '2026-03-02'],
      ]),
    )
    expect((fields.find(([k]) => k === 'validUntil')?.[1] ?? '') > '2026-03-20').toBe(true)

    const posted = await postForm(jc, `/staff/consents/${oldId}/renewal`, [
      ...fields,
      ['confirmBroad', 'yes'],
    ])
    expect(posted.status).toBe(303)
    const newId = /\/staff\/consents\/([^/]+)$/.exec(posted.headers.get('location') ?? '')?.[1]
    expect(newId).toBeDefined()
    const draft = await consent(newId!)
    expect(draft).toMatchObject({
      status: 'draft',
      renewsConsentId: oldId,
      subject: { ...person, caseRefs: { 'jc-demo': 'BG-4711' } },
      recipients: ['ja-demo'],
      categories: ['schule', 'berufswahl'],
      validFrom: '2026-03-02',
    })
    const draftPage = await page(jc, `/staff/consents/${newId}`)
    expect(draftPage.text).toContain('Diese Einwilligung erneuert eine bisherige Einwilligung.')
    expect(draftPage.text).toContain(`href="/staff/consents/${oldId}"`)

    // Until the renewal is signed, the old consent holds.
    expect(await consent(oldId)).toMatchObject({ status: 'active', renewedAt: null })
    const before = await server.api('POST', '/transfers', {
      token: await staffJc(),
      body: transferBody(oldId),
    })
    expect(before.status, JSON.stringify(before.body)).toBe(202)

    const expiring = async () =>
      (await listConsentsExpiringSoon(t.deps, { now: t.clock.now(), days: 30 })).map(
        (c) => c.consentId,
      )
    expect(await expiring()).toContain(oldId)

    // The person signs the renewal at the kiosk, like any draft.
    t.clock.advance(60_000)
    const signedAt = t.clock.now().toISOString()
    await signAt(newId!, draft.kioskCode as string)

    expect(await consent(newId!)).toMatchObject({ status: 'active', renewsConsentId: oldId })
    expect(await consent(oldId)).toMatchObject({
      status: 'renewed',
      renewedAt: signedAt,
      renewedByConsentId: newId,
      revocation: null,
    })

    // The DPO's "expiring soon" no longer lists a consent that was renewed.
    expect(await expiring()).not.toContain(oldId)

    // A transfer queued under the old consent before is cancelled at delivery, never sent.
    const worker = testDeliveryContext(t.deps, 'smtp://127.0.0.1:9')
    await runDeliveryRound(worker)
    worker.mailer.close()
    const queued = (before.body as { id: string }).id
    const queuedNow = await server.api('GET', `/transfers/${queued}`, { token: await staffJc() })
    expect(queuedNow.body).toMatchObject({ status: 'cancelled_revoked' })
    const cancelled = (await listAuditEntries(t.deps.db, { limit: 5000 })).find(
      (e) => e.event.type === 'transfer_cancelled' && e.event.transferId === queued,
    )
    expect(cancelled?.event).toMatchObject({ reasons: ['consent_renewed'] })

    const underOld = await server.api('POST', '/transfers', {
      token: await staffJc(),
      body: transferBody(oldId),
    })
    expect(underOld.status).toBe(403)
    expect(underOld.body).toMatchObject({
      error: { code: 'transfer_denied', details: { reasons: ['consent_renewed'] } },
    })
    const underNew = await server.api('POST', '/transfers', {
      token: await staffJc(),
      body: transferBody(newId!),
    })
    expect(underNew.status, JSON.stringify(underNew.body)).toBe(202)

    // Recorded and audited: the new draft names what it renews, the old one's end is an event.
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    expect(
      entries.find((e) => e.event.type === 'consent_created' && e.event.consentId === newId)?.event,
    ).toMatchObject({ renewsConsentId: oldId })
    const renewed = entries.filter(
      (e) => e.event.type === 'consent_renewed' && e.event.consentId === oldId,
    )
    expect(renewed).toHaveLength(1)
    expect(renewed[0]).toMatchObject({
      actor: 'kiosk:kiosk-jc',
      event: { renewedByConsentId: newId, agencyId: 'jc-demo' },
    })
    expect(renewed[0]?.at).toBe(signedAt)

    // The old consent's page says what ended it, links the new one, and offers no renewal.
    const oldPage = await page(jc, `/staff/consents/${oldId}`)
    expect(oldPage.text).toContain('Erneuert (durch neue Einwilligung ersetzt)')
    expect(oldPage.text).toContain(`href="/staff/consents/${newId}"`)
    expect(oldPage.text).not.toContain(`/staff/consents/${oldId}/renewal`)
  })

  it('when only another party, another person or a consent with nothing to renew is involved, then renewal is refused', async () => {
    const oldId = await signedConsent('2026-03-25')
    // The recipient agency never prepares a consent for data flowing to itself; a stranger
    // learns nothing.
    const ja = await sessionFor(t.deps, 'staff-ja')
    const aa = await sessionFor(t.deps, 'staff-aa')
    const byRecipient = await page(ja, `/staff/consents/${oldId}/renewal`)
    expect(byRecipient.status).toBe(403)
    expect(byRecipient.text).not.toContain('Einwilligung erneuern')
    expect((await page(ja, `/staff/consents/${oldId}`)).text).not.toContain('verlängern / erneuern')
    expect((await page(aa, `/staff/consents/${oldId}/renewal`)).status).toBe(404)
    expect((await postForm(aa, `/staff/consents/${oldId}/renewal`, [])).status).toBe(404)

    // Another person is a new consent, not a renewal.
    const fields = fieldsOf((await page(jc, `/staff/consents/${oldId}/renewal`)).text)
    const other = await postForm(jc, `/staff/consents/${oldId}/renewal`, [
      ...fields.filter(([k]) => k !== 'givenName'),
      ['givenName', 'Lena'],
      ['confirmBroad', 'yes'],
    ])
    expect(other.status).toBe(400)
    expect(other.text).toContain('Eine Erneuerung gilt für dieselbe Person')

    // A draft has nothing to renew.
    const draft = await server.api('POST', `/consents/${oldId}/renewal`, {
      token: await staffJc(),
      body: { validUntil: '2026-09-01' },
    })
    expect(draft.status, JSON.stringify(draft.body)).toBe(201)
    const draftId = (draft.body as { id: string }).id
    const ofDraft = await server.api('POST', `/consents/${draftId}/renewal`, {
      token: await staffJc(),
      body: { validUntil: '2026-09-01' },
    })
    expect(ofDraft).toMatchObject({
      status: 409,
      body: { error: { code: 'ERR_CONSENT_NOT_RENEWABLE' } },
    })
    const byDpo = await server.api('POST', `/consents/${oldId}/renewal`, {
      token: await token('dpo-jc', 'dpo', 'jc-demo'),
      body: { validUntil: '2026-09-01' },
    })
    expect(byDpo.status).toBe(403)
    const byRecipientApi = await server.api('POST', `/consents/${oldId}/renewal`, {
      token: await token('staff-ja', 'staff', 'ja-demo'),
      body: { validUntil: '2026-09-01' },
    })
    expect(byRecipientApi.body).toMatchObject({ error: { code: 'ERR_CONSENT_NOT_SENDER' } })
  })

  it('when the old consent was revoked before the renewal is signed, then it stays revoked; a second renewal ends nothing more', async () => {
    const revokedId = await signedConsent('2026-03-25')
    const renewal = await server.api('POST', `/consents/${revokedId}/renewal`, {
      token: await staffJc(),
      body: { validUntil: '2026-09-01' },
    })
    const { id: renewalId, kioskCode } = renewal.body as { id: string; kioskCode: string }
    t.clock.advance(1000)
    const revoked = await server.api('POST', `/consents/${revokedId}/revocation`, {
      token: await staffJc(),
      body: { channel: 'staff' },
    })
    expect(revoked.status).toBe(200)
    t.clock.advance(1000)
    await signAt(renewalId, kioskCode)
    expect(await consent(revokedId)).toMatchObject({ status: 'revoked', renewedAt: null })
    expect(await consent(renewalId)).toMatchObject({ status: 'active' })

    // Two renewals of one consent: the first signed ends it; the second changes nothing.
    const oldId = await signedConsent('2026-03-25')
    const drafts: { id: string; kioskCode: string }[] = []
    for (let i = 0; i < 2; i++) {
      const res = await server.api('POST', `/consents/${oldId}/renewal`, {
        token: await staffJc(),
        body: { validUntil: '2026-09-01' },
      })
      drafts.push(res.body as { id: string; kioskCode: string })
    }
    t.clock.advance(1000)
    await signAt(drafts[1]!.id, drafts[1]!.kioskCode)
    const endedAt = t.clock.now().toISOString()
    t.clock.advance(1000)
    await signAt(drafts[0]!.id, drafts[0]!.kioskCode)
    expect(await consent(oldId)).toMatchObject({
      status: 'renewed',
      renewedAt: endedAt,
      renewedByConsentId: drafts[1]!.id,
    })
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    expect(
      entries.filter(
        (e) =>
          e.event.type === 'consent_renewed' &&
          (e.event.consentId === oldId || e.event.consentId === revokedId),
      ),
    ).toHaveLength(1)
  })
})
