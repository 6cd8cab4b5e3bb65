import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addAgency } from '../../gateway/accounts/account-service.ts'
import type { Role } from '../../accounts/roles.ts'
import { addTestAccount, seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { attestedCircumstances, paperScan } from '../support/signature-evidence.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * The object-level access matrix (issue «Consent integrity» point 12): every action on one
 * consent of the Jobcenter (prepared by jc-demo; senders jc-demo and aa-demo; recipient
 * ja-demo) tried by every kind of party — the creating agency, a party that is not the creator,
 * the recipient, an agency that is no party, and a kiosk outside its flow. The route-level matrix
 * (access-matrix.test.ts) checks roles; this one checks who may act on *this* consent.
 */

type Caller = 'creator' | 'partyNotCreator' | 'recipient' | 'otherAgency' | 'kioskOutsideFlow'
const callers: Caller[] = [
  'creator',
  'partyNotCreator',
  'recipient',
  'otherAgency',
  'kioskOutsideFlow',
]
/** The staff account (and its agency's kiosk) of each caller. */
const staffOf: Record<Caller, string> = {
  creator: 'staff-jc',
  partyNotCreator: 'staff-aa',
  recipient: 'staff-ja',
  otherAgency: 'staff-tr',
  kioskOutsideFlow: 'kiosk-jc',
}
const kioskOfAgency: Record<Caller, string> = {
  creator: 'kiosk-jc',
  partyNotCreator: 'kiosk-aa',
  recipient: 'kiosk-ja',
  otherAgency: 'kiosk-tr',
  kioskOutsideFlow: 'kiosk-jc',
}

interface Row {
  /** The consent the action is tried on, fresh for every caller. */
  on: 'draft' | 'active'
  request: (id: string, caller: Caller) => { method: string; path: string; body?: unknown }
  expect: Record<Caller, number>
}

const sign = (method: string, evidence: string) => (id: string) => ({
  method: 'POST',
  path: `/consents/${id}/signatures`,
  body: { role: 'youth', name: 'Leonie Quastenberg', method, evidence },
})

const rows: Record<string, Row> = {
  'read the consent': {
    on: 'draft',
    request: (id) => ({ method: 'GET', path: `/consents/${id}` }),
    expect: {
      creator: 200,
      partyNotCreator: 200,
      recipient: 200,
      otherAgency: 404,
      kioskOutsideFlow: 403,
    },
  },
  'read its text': {
    on: 'draft',
    request: (id) => ({ method: 'GET', path: `/consents/${id}/text` }),
    expect: {
      creator: 200,
      partyNotCreator: 200,
      recipient: 200,
      otherAgency: 404,
      kioskOutsideFlow: 404,
    },
  },
  'record a paper signature': {
    on: 'draft',
    request: sign('paper_scan', paperScan()),
    expect: {
      creator: 200,
      partyNotCreator: 200,
      recipient: 403,
      otherAgency: 404,
      kioskOutsideFlow: 404,
    },
  },
  'attest a signature in person': {
    on: 'draft',
    request: sign('staff_attested', attestedCircumstances),
    expect: {
      creator: 200,
      partyNotCreator: 200,
      recipient: 403,
      otherAgency: 404,
      kioskOutsideFlow: 404,
    },
  },
  'post a drawn signature': {
    on: 'draft',
    request: sign('kiosk_drawn', 'data:image/png;base64,'),
    expect: {
      creator: 400,
      partyNotCreator: 400,
      recipient: 400,
      otherAgency: 400,
      kioskOutsideFlow: 400,
    },
  },
  'discard the draft': {
    on: 'draft',
    request: (id) => ({ method: 'POST', path: `/consents/${id}/discard` }),
    expect: {
      creator: 200,
      partyNotCreator: 403,
      recipient: 403,
      otherAgency: 404,
      kioskOutsideFlow: 403,
    },
  },
  'push the draft to the own agency’s kiosk': {
    on: 'draft',
    request: (id, caller) => ({
      method: 'POST',
      path: `/kiosks/${kioskOfAgency[caller]}/push`,
      body: { consentId: id },
    }),
    expect: {
      creator: 200,
      partyNotCreator: 403,
      recipient: 403,
      otherAgency: 404,
      kioskOutsideFlow: 403,
    },
  },
  'decline the draft': {
    on: 'draft',
    request: (id) => ({ method: 'POST', path: `/consents/${id}/decline`, body: {} }),
    expect: {
      creator: 403,
      partyNotCreator: 403,
      recipient: 403,
      otherAgency: 403,
      kioskOutsideFlow: 404,
    },
  },
  'record a revocation the person declared': {
    on: 'active',
    request: (id, caller) => ({
      method: 'POST',
      path: `/consents/${id}/revocation`,
      body: { channel: caller === 'kioskOutsideFlow' ? 'kiosk' : 'staff' },
    }),
    expect: {
      creator: 200,
      partyNotCreator: 200,
      recipient: 200,
      otherAgency: 404,
      kioskOutsideFlow: 400,
    },
  },
  'renew the consent (issue 18 point 5)': {
    on: 'active',
    request: (id) => ({
      method: 'POST',
      path: `/consents/${id}/renewal`,
      body: { validUntil: '2026-09-01' },
    }),
    // A sending agency prepares the renewal; the recipient never does; the kiosk has no say.
    expect: {
      creator: 201,
      partyNotCreator: 201,
      recipient: 403,
      otherAgency: 404,
      kioskOutsideFlow: 403,
    },
  },
  'revoke at a kiosk with a receipt code of nothing': {
    on: 'active',
    request: (id) => ({
      method: 'POST',
      path: `/consents/${id}/revocation`,
      body: { channel: 'kiosk', receiptCode: 'ABCD-EFGH-JKMN', birthDate: '2005-06-10' },
    }),
    expect: {
      creator: 400,
      partyNotCreator: 400,
      recipient: 400,
      otherAgency: 400,
      kioskOutsideFlow: 404,
    },
  },
  'confirm at majority in person': {
    on: 'active',
    request: (id) => ({
      method: 'POST',
      path: `/consents/${id}/majority-confirmation`,
      body: { method: 'staff_attested', evidence: attestedCircumstances },
    }),
    // Nothing to confirm (no guardian signed) for the senders; the others may not even ask.
    expect: {
      creator: 409,
      partyNotCreator: 409,
      recipient: 403,
      otherAgency: 404,
      kioskOutsideFlow: 404,
    },
  },
  'dry-run a decision': {
    on: 'active',
    request: (id) => ({
      method: 'POST',
      path: '/decisions',
      body: { consentId: id, to: 'ja-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    }),
    expect: {
      creator: 200,
      partyNotCreator: 200,
      recipient: 200,
      otherAgency: 404,
      kioskOutsideFlow: 403,
    },
  },
  'ask the creator for data under it': {
    on: 'active',
    request: (id) => ({
      method: 'POST',
      path: '/requests',
      body: { consentId: id, from: 'jc-demo', purpose: 'hilfeplanung', categories: ['schule'] },
    }),
    expect: {
      creator: 400,
      partyNotCreator: 403,
      recipient: 201,
      otherAgency: 404,
      kioskOutsideFlow: 403,
    },
  },
}

describe.each(dialects)('object-level access matrix on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await addAgency(t.deps, {
      actor: 'system',
      agency: {
        id: 'tr-demo',
        name: 'Träger Demo',
        kind: 'traeger',
        mailbox: 'fallteam@tr-demo.example',
        smimeProfile: 'modern',
      },
    })
    const extra: { id: string; role: Role; agencyId: string }[] = [
      { id: 'staff-tr', role: 'staff', agencyId: 'tr-demo' },
      { id: 'kiosk-aa', role: 'kiosk', agencyId: 'aa-demo' },
      { id: 'kiosk-ja', role: 'kiosk', agencyId: 'ja-demo' },
      { id: 'kiosk-tr', role: 'kiosk', agencyId: 'tr-demo' },
    ]
    for (const account of extra) tokens[account.id] = await addTestAccount(t.deps, account)
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  let count = 0
  const fresh = async (on: Row['on']): Promise<string> => {
    count += 1
    const created = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: `Matrix${count}`, birthDate: '2005-06-10' },
        senders: ['jc-demo', 'aa-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil: '2026-12-31',
      },
    })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    const id = (created.body as { id: string }).id
    if (on === 'active') {
      const signed = await server.api('POST', `/consents/${id}/signatures`, {
        token: tokens['staff-jc'],
        body: { role: 'youth', name: 'Leonie', method: 'paper_scan', evidence: paperScan() },
      })
      expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    }
    return id
  }

  it('gives every party the status the object-level matrix demands, on a consent of its own each', async () => {
    const mismatches: string[] = []
    for (const [action, row] of Object.entries(rows))
      for (const caller of callers) {
        const id = await fresh(row.on)
        const { method, path, body } = row.request(id, caller)
        const response = await server.api(method, path, { token: tokens[staffOf[caller]], body })
        if (response.status !== row.expect[caller])
          mismatches.push(
            `${action} as ${caller}: got ${response.status} ${JSON.stringify(response.body).slice(0, 160)}, want ${row.expect[caller]}`,
          )
      }
    expect(mismatches).toEqual([])
  }, 240_000)
})
