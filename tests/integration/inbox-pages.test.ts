import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { honourEndingNotice } from '../../gateway/inbox/honour-notice.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { deliverCaseSummary, deliverEndingNotice } from '../support/inbox-fixtures.ts'
import { createRelayPki, registerRelayPki } from '../support/smtp-relay-setup.ts'
import { runOk } from '../support/interop-tools.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const marker = 'SEIDENREIHER-2290'

describe.each(dialects)('the staff inbox pages on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let itemId: string

  beforeAll(async () => {
    const relayPki = await createRelayPki()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    await registerRelayPki(t.deps, relayPki)
    server = await startTestServer(t.deps)
    ;({ id: itemId } = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_pages1',
      person: { name: 'Mira Özdemir', birthDate: '2007-11-03' },
      sections: [
        { category: 'schule', title: 'Schulische Situation', body: `Befund ${marker}` },
        { category: 'berufswahl', title: 'Berufswahl', body: 'Ausbildung zur Tischlerin.' },
      ],
      at: t.clock.now(),
    }))
  }, 120_000)
  afterAll(async () => {
    await server?.close()
    await t?.close()
  })

  async function get(userId: string, path: string) {
    const session = await sessionFor(t.deps, userId)
    const res = await fetch(`${server.url}${path}`, {
      headers: { cookie: session.cookie },
      redirect: 'manual',
    })
    return { res, session }
  }

  async function acknowledge(userId: string, id: string) {
    const session = await sessionFor(t.deps, userId)
    return fetch(`${server.url}/staff/inbox/${id}/acknowledgement`, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: session.csrfToken }).toString(),
      redirect: 'manual',
    })
  }

  const inboxBanner = (page: string) => /data-inbox-banner/.test(page)

  it('when staff of the receiving agency open the inbox, then the item is listed and opens with its content', async () => {
    const { res } = await get('staff-ja', '/staff/inbox')
    expect(res.status).toBe(200)
    const list = await res.text()
    expect(list).toContain(`data-inbox-item="${itemId}"`)
    expect(list).toContain('href="/staff/inbox"')
    expect(list).not.toContain(marker)
    const item = await (await get('staff-ja', `/staff/inbox/${itemId}`)).res.text()
    expect(item).toContain('Mira Özdemir')
    expect(item).toContain(`Befund ${marker}`)
    expect(item).toContain('Schulische Situation')
    expect(item).toContain('§ 78 SGB X')
    expect(item).toContain('Kopie für die Akte (PDF)')
    expect(item).not.toContain('Weitere Verwendung muss beendet werden')
  })

  it('when staff of another agency open the item page, its copy or acknowledge it, then it does not exist', async () => {
    for (const who of ['staff-jc', 'staff-aa']) {
      expect((await get(who, `/staff/inbox/${itemId}`)).res.status).toBe(404)
      expect((await get(who, `/staff/inbox/${itemId}/copy.pdf`)).res.status).toBe(404)
      expect((await acknowledge(who, itemId)).status).toBe(404)
      const list = await (await get(who, '/staff/inbox')).res.text()
      expect(list).not.toContain(itemId)
    }
  })

  it('when the copy for the case file is downloaded, then the PDF holds person, sections and the purpose binding', async () => {
    const { res } = await get('staff-ja', `/staff/inbox/${itemId}/copy.pdf`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/pdf')
    const pdf = Buffer.from(await res.arrayBuffer())
    // pdftotext comes with poppler-utils (installed by CI).
    const text = (
      await runOk('pdftotext', ['-enc', 'UTF-8', '-layout', '-', '-'], { input: pdf })
    ).stdout.toString('utf8')
    for (const expected of [
      'Mira Özdemir',
      'Schulische Situation',
      `Befund ${marker}`,
      'Berufswahl',
      'Ausbildung zur Tischlerin.',
      'Zweckbindung',
    ])
      expect(text).toContain(expected)
  })

  it('when a received case summary carries a PDF, then its page links it and the link downloads the PDF as sent; other agencies get 404', async () => {
    const pdf = Buffer.from(`%PDF-1.4\n% ${marker}\n%%EOF\n`, 'latin1')
    const { id } = await deliverCaseSummary(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_pages_pdf',
      sections: [{ category: 'schule', title: 'Schule', body: 'Zeugnis anbei.' }],
      attachments: [
        {
          filename: 'zeugnis.pdf',
          contentType: 'application/pdf',
          content: pdf,
          category: 'schule',
        },
      ],
      at: t.clock.now(),
    })
    const page = await (await get('staff-ja', `/staff/inbox/${id}`)).res.text()
    const href = new RegExp(
      `href="(/staff/inbox/${id}/attachments/\\d+)" download>zeugnis\\.pdf<`,
    ).exec(page)?.[1]
    expect(href).toBeDefined()
    const { res } = await get('staff-ja', href!)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('application/pdf')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="zeugnis.pdf"')
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true)
    for (const who of ['staff-jc', 'staff-aa']) expect((await get(who, href!)).res.status).toBe(404)
    expect((await get('staff-ja', `/staff/inbox/${id}/attachments/x`)).res.status).toBe(404)
  })

  it('when a revocation notice stops the item, then a banner shows on the staff pages until both are acknowledged, and the DPO report lists the notice', async () => {
    const notice = await deliverEndingNotice(t.deps, {
      from: 'jc-demo',
      to: 'ja-demo',
      consentId: 'cns_pages1',
      ending: 'revoked',
      relatedTransferIds: ['trf_pages'],
      at: t.clock.now(),
    })
    await honourEndingNotice(t.deps.db, {
      recipientAgencyId: 'ja-demo',
      consentId: 'cns_pages1',
      noticeItemId: notice.id,
      at: t.clock.now(),
    })
    for (const path of ['/staff', '/staff/inbox', '/staff/requests'])
      expect(inboxBanner(await (await get('staff-ja', path)).res.text())).toBe(true)
    // Only the receiving agency sees it.
    expect(inboxBanner(await (await get('staff-jc', '/staff')).res.text())).toBe(false)
    const item = await (await get('staff-ja', `/staff/inbox/${itemId}`)).res.text()
    expect(item).toContain('Weitere Verwendung muss beendet werden')
    const report = await (await get('dpo-all', '/dpo/reports')).res.text()
    expect(report).toMatch(/data-unacknowledged-notices[\s\S]*data-agency="ja-demo"[\s\S]*>1</)

    const ack = await acknowledge('staff-ja', itemId)
    expect(ack.status).toBe(303)
    expect(ack.headers.get('location')).toBe(`/staff/inbox/${itemId}`)
    // The notice itself still waits.
    expect(inboxBanner(await (await get('staff-ja', '/staff')).res.text())).toBe(true)
    expect((await acknowledge('staff-ja', notice.id)).status).toBe(303)
    expect(inboxBanner(await (await get('staff-ja', '/staff')).res.text())).toBe(false)
    const after = await (await get('dpo-all', '/dpo/reports')).res.text()
    expect(after).not.toContain('data-agency="ja-demo"')
    expect(after).toContain('Keine offenen Mitteilungen.')
  })

  it('when the form posts without its CSRF token, then nothing is acknowledged', async () => {
    const fresh = await deliverCaseSummary(t.deps, {
      from: 'aa-demo',
      to: 'ja-demo',
      consentId: 'cns_pages2',
      sections: [{ category: 'berufswahl', title: 'B', body: 'b' }],
      at: t.clock.now(),
    })
    const session = await sessionFor(t.deps, 'staff-ja')
    const res = await fetch(`${server.url}/staff/inbox/${fresh.id}/acknowledgement`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    })
    expect(res.status).toBe(403)
    const row = await t.deps.db
      .selectFrom('inbound_items')
      .select('acknowledged_at')
      .where('id', '=', fresh.id)
      .executeTakeFirstOrThrow()
    expect(row.acknowledged_at).toBeNull()
  })
})
