import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertUser } from '../../db/account-repository.ts'
import { issueToken } from '../../gateway/auth/tokens.ts'
import { apiPrefix } from '../../gateway/http/routes.ts'
import { seedAccounts } from '../support/accounts.ts'
import { sessionFor } from '../support/browser-session.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * Every route × every kind of caller → the status it must get. `otherAgency` is staff of another
 * agency than the resource's (jc-demo). A route missing from this table fails the test, so a new
 * route cannot ship without a decision on who may call it.
 */
type Who = 'anon' | 'expired' | 'staff' | 'otherAgency' | 'dpo' | 'admin' | 'kiosk'
const everyone: Who[] = ['anon', 'expired', 'staff', 'otherAgency', 'dpo', 'admin', 'kiosk']
interface MatrixRow {
  /** Concrete path (for routes with parameters) and body/form to send. */
  path?: string
  body?: Record<string, unknown>
  expect: Record<Who, number>
}

function publicRoute(status: number): Record<Who, number> {
  return Object.fromEntries(everyone.map((who) => [who, status])) as Record<Who, number>
}

/** Signed-in callers get the given statuses; unlisted roles 403; no or expired credentials 401 (API). */
function api(
  allowed: Partial<Record<Exclude<Who, 'anon' | 'expired'>, number>>,
): Record<Who, number> {
  return {
    anon: 401,
    expired: 401,
    staff: 403,
    otherAgency: 403,
    dpo: 403,
    admin: 403,
    kiosk: 403,
    ...allowed,
  }
}

/** Pages: no or expired session → 303 to /login; wrong role → 403. */
function page(
  allowed: Partial<Record<Exclude<Who, 'anon' | 'expired'>, number>>,
): Record<Who, number> {
  return {
    anon: 303,
    expired: 303,
    staff: 403,
    otherAgency: 403,
    dpo: 403,
    admin: 403,
    kiosk: 403,
    ...allowed,
  }
}

const matrix: Record<string, MatrixRow> = {
  // API
  'GET /api/v1/healthz': { expect: publicRoute(200) },
  'GET /api/v1/readyz': { expect: publicRoute(200) },
  'GET /api/v1/openapi.json': { expect: publicRoute(200) },
  // Not for accounts: only the METRICS_TOKEN bearer opens it, and the test config sets none (404);
  // tests/integration/metrics.test.ts checks the token itself.
  'GET /api/v1/metrics': { expect: publicRoute(404) },
  'GET /api/v1/certificates': { expect: api({ admin: 200 }) },
  // Every CRL fetched now: the instance's administration (crl-refresh.test.ts tries the
  // administrator of one agency).
  'POST /api/v1/crls/refresh': { expect: api({ admin: 200 }) },
  'GET /api/v1/agencies': {
    expect: api({ staff: 200, otherAgency: 200, dpo: 200, admin: 200, kiosk: 200 }),
  },
  'POST /api/v1/agencies': { body: {}, expect: api({ admin: 400 }) },
  'GET /api/v1/agencies/:agencyId/users': {
    path: '/api/v1/agencies/jc-demo/users',
    expect: api({ staff: 200, otherAgency: 404, dpo: 200, admin: 200 }),
  },
  'POST /api/v1/users': { body: {}, expect: api({ admin: 400 }) },
  'GET /api/v1/me': {
    expect: api({ staff: 200, otherAgency: 200, dpo: 200, admin: 200, kiosk: 200 }),
  },
  // Taking access away (issue 8 point 8): admin only; an account that does not exist gives 404.
  'POST /api/v1/users/:userId/disable': {
    path: '/api/v1/users/nobody-x/disable',
    expect: api({ admin: 404 }),
  },
  'POST /api/v1/users/:userId/enable': {
    path: '/api/v1/users/nobody-x/enable',
    expect: api({ admin: 404 }),
  },
  'POST /api/v1/users/:userId/password-reset': {
    path: '/api/v1/users/nobody-x/password-reset',
    expect: api({ admin: 404 }),
  },
  'POST /api/v1/users/:userId/sessions/end': {
    path: '/api/v1/users/nobody-x/sessions/end',
    expect: api({ admin: 404 }),
  },
  'POST /api/v1/users/:userId/tokens/revoke': {
    path: '/api/v1/users/nobody-x/tokens/revoke',
    body: {},
    expect: api({ admin: 404 }),
  },
  // Audit (a DPO bound to jc-demo; ids that do not exist give 404, missing parameters 400)
  'GET /api/v1/audit': { expect: api({ dpo: 200 }) },
  'GET /api/v1/audit/status': { expect: api({ dpo: 200 }) },
  'GET /api/v1/audit/verify': { expect: api({ dpo: 200 }) },
  'GET /api/v1/audit/entries/:seq': {
    path: '/api/v1/audit/entries/999999',
    expect: api({ dpo: 404 }),
  },
  'GET /api/v1/audit/proof/:seq': { path: '/api/v1/audit/proof/999999', expect: api({ dpo: 404 }) },
  'GET /api/v1/audit/consistency': { expect: api({ dpo: 400 }) },
  'GET /api/v1/audit/public-key': { expect: publicRoute(200) },
  'GET /api/v1/audit/export': { expect: api({ dpo: 400 }) },
  'GET /api/v1/audit/reports': { expect: api({ dpo: 200 }) },
  'POST /api/v1/audit/reidentify': { body: {}, expect: api({ dpo: 400 }) },
  // Consents (issue 2): ids and codes that do not exist give 404 (the same as another agency's).
  'POST /api/v1/consents': { body: {}, expect: api({ staff: 400, otherAgency: 400 }) },
  'GET /api/v1/consents': { expect: api({ staff: 200, otherAgency: 200 }) },
  'GET /api/v1/consents/pickup/:code': {
    path: '/api/v1/consents/pickup/ACDEFGHJ',
    expect: api({ kiosk: 404 }),
  },
  'GET /api/v1/consents/:id': {
    path: '/api/v1/consents/cns_missing',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'GET /api/v1/consents/:id/text': {
    path: '/api/v1/consents/cns_missing/text',
    expect: api({ staff: 404, otherAgency: 404, kiosk: 404 }),
  },
  'POST /api/v1/consents/:id/signatures': {
    path: '/api/v1/consents/cns_missing/signatures',
    body: {},
    expect: api({ staff: 400, otherAgency: 400, kiosk: 400 }),
  },
  'POST /api/v1/consents/:id/revocation': {
    path: '/api/v1/consents/cns_missing/revocation',
    body: {},
    expect: api({ staff: 400, otherAgency: 400, kiosk: 400 }),
  },
  'POST /api/v1/consents/:id/renewal': {
    path: '/api/v1/consents/cns_missing/renewal',
    body: { validUntil: '2026-09-01' },
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'POST /api/v1/consents/:id/discard': {
    path: '/api/v1/consents/cns_missing/discard',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'POST /api/v1/consents/:id/majority-confirmation': {
    path: '/api/v1/consents/cns_missing/majority-confirmation',
    body: {},
    expect: api({ staff: 400, otherAgency: 400, kiosk: 400 }),
  },
  'GET /api/v1/consent-texts': {
    expect: api({ staff: 200, otherAgency: 200, dpo: 200, admin: 200 }),
  },
  // A DPO bound to one agency may not approve the texts every agency uses.
  'POST /api/v1/consent-texts/approvals': { body: {}, expect: api({ dpo: 400 }) },
  'POST /api/v1/consents/:id/decline': {
    path: '/api/v1/consents/cns_missing/decline',
    expect: api({ kiosk: 404 }),
  },
  'POST /api/v1/decisions': { body: {}, expect: api({ staff: 400, otherAgency: 400 }) },
  // Relay (staff of jc-demo send; ids that do not exist give 404, an empty body 400)
  'POST /api/v1/transfers': { body: {}, expect: api({ staff: 400, otherAgency: 400 }) },
  'GET /api/v1/transfers': { expect: api({ staff: 200, otherAgency: 200 }) },
  'GET /api/v1/transfers/:id': {
    path: '/api/v1/transfers/trf_missing',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'GET /api/v1/transfers/:id/catchall.eml': {
    path: '/api/v1/transfers/trf_missing/catchall.eml',
    expect: api({ admin: 404 }),
  },
  // The operator's levers (issue 19 point 5): admins only; which transfer or partner an admin
  // reaches is the object rule's (relay-levers.test.ts tries the agency-bound admins).
  'POST /api/v1/transfers/:id/retry': {
    path: '/api/v1/transfers/trf_missing/retry',
    expect: api({ admin: 404 }),
  },
  'POST /api/v1/transfers/:id/cancel': {
    path: '/api/v1/transfers/trf_missing/cancel',
    expect: api({ admin: 404 }),
  },
  'GET /api/v1/partners/paused': { expect: api({ admin: 200 }) },
  'PUT /api/v1/partners/:agencyId/pause': {
    path: '/api/v1/partners/nobody-x/pause',
    expect: api({ admin: 404 }),
  },
  'DELETE /api/v1/partners/:agencyId/pause': {
    path: '/api/v1/partners/nobody-x/pause',
    expect: api({ admin: 404 }),
  },
  // Inbox (issue 16 point 5): staff of the receiving agency only; an id no agency has is 404 for
  // staff, as another agency's item is (inbox-api.test.ts tries every other party on a real one).
  'GET /api/v1/inbox': { expect: api({ staff: 200, otherAgency: 200 }) },
  'GET /api/v1/notifications': { expect: api({ staff: 200, otherAgency: 200 }) },
  'GET /api/v1/notifications/summary': { expect: api({ staff: 200, otherAgency: 200 }) },
  'GET /api/v1/inbox/:id': {
    path: '/api/v1/inbox/inb_missing',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  // Composer drafts (issue 18 point 3): only their author; a draft id nobody has is 404, as
  // anyone else's is (composer-drafts.test.ts tries every other party on a real one).
  'GET /api/v1/composer-drafts': {
    path: '/api/v1/composer-drafts?consentId=cns_missing',
    expect: api({ staff: 200, otherAgency: 200 }),
  },
  'POST /api/v1/composer-drafts': { body: {}, expect: api({ staff: 400, otherAgency: 400 }) },
  'GET /api/v1/composer-drafts/:id': {
    path: '/api/v1/composer-drafts/drf_missing',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'PUT /api/v1/composer-drafts/:id': {
    path: '/api/v1/composer-drafts/drf_missing',
    body: {
      name: 'x',
      to: 'ja-demo',
      purpose: 'hilfeplanung',
      form: 'uebergabebogen',
      necessity: '',
      sections: [],
    },
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'DELETE /api/v1/composer-drafts/:id': {
    path: '/api/v1/composer-drafts/drf_missing',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'POST /api/v1/inbox/:id/acknowledgement': {
    path: '/api/v1/inbox/inb_missing/acknowledgement',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'GET /api/v1/inbox/:id/attachments/:index': {
    path: '/api/v1/inbox/inb_missing/attachments/0',
    expect: api({ staff: 404, otherAgency: 404 }),
  },
  'POST /api/v1/requests': { body: {}, expect: api({ staff: 400, otherAgency: 400 }) },
  'GET /api/v1/requests': { expect: api({ staff: 200, otherAgency: 200 }) },
  // Kiosk API (issue 6)
  'POST /api/v1/kiosks/:kioskId/push': {
    path: '/api/v1/kiosks/kiosk-jc/push',
    body: {},
    expect: api({ staff: 400, otherAgency: 400 }),
  },
  'GET /api/v1/majority-reviews': { expect: api({ staff: 200, otherAgency: 200 }) },
  // Pages
  'GET /': {
    expect: {
      anon: 303,
      expired: 303,
      staff: 303,
      otherAgency: 303,
      dpo: 303,
      admin: 303,
      kiosk: 303,
    },
  },
  'GET /login': { expect: publicRoute(200) },
  'POST /login': { body: {}, expect: publicRoute(400) },
  'POST /logout': {
    body: {},
    expect: page({ staff: 303, otherAgency: 303, dpo: 303, admin: 303, kiosk: 303 }),
  },
  'GET /staff': { expect: page({ staff: 200, otherAgency: 200 }) },
  // Staff workplace (a consent id no agency has: staff get 404, as for another agency's)
  'POST /staff/language': { body: {}, expect: page({ staff: 400, otherAgency: 400 }) },
  'GET /staff/consents/new': { expect: page({ staff: 200, otherAgency: 200 }) },
  'POST /staff/consents': { body: {}, expect: page({ staff: 400, otherAgency: 400 }) },
  'GET /staff/consents/:id': {
    path: '/staff/consents/cns_unknown',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'GET /staff/consents/:id/print': {
    path: '/staff/consents/cns_unknown/print',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'POST /staff/consents/:id/paper-signature': {
    path: '/staff/consents/cns_unknown/paper-signature',
    body: {},
    expect: page({ staff: 400, otherAgency: 400 }),
  },
  'POST /staff/consents/:id/push': {
    path: '/staff/consents/cns_unknown/push',
    body: { kioskId: 'kiosk-jc' },
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'POST /staff/consents/:id/revocation': {
    path: '/staff/consents/cns_unknown/revocation',
    body: { reason: 'asked by phone' },
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'GET /staff/consents/:id/renewal': {
    path: '/staff/consents/cns_unknown/renewal',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'POST /staff/consents/:id/renewal': {
    path: '/staff/consents/cns_unknown/renewal',
    body: {},
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'POST /staff/consents/:id/discard': {
    path: '/staff/consents/cns_unknown/discard',
    body: {},
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'GET /staff/compose/:id': {
    path: '/staff/compose/cns_unknown',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  // A transfer id no agency sent is 404, as another agency's transfer is (issue 18 point 2)
  'GET /staff/transfers/:id': {
    path: '/staff/transfers/trf_unknown',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'GET /staff/transfers/:id/copy.pdf': {
    path: '/staff/transfers/trf_unknown/copy.pdf',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  // Staff requests inbox (a request id no agency has: staff get 404, as for another agency's)
  'GET /staff/requests': { expect: page({ staff: 200, otherAgency: 200 }) },
  'GET /staff/requests/new': { expect: page({ staff: 200, otherAgency: 200 }) },
  'POST /staff/requests/new': { body: {}, expect: page({ staff: 400, otherAgency: 400 }) },
  'GET /staff/requests/:id/answer': {
    path: '/staff/requests/req_unknown/answer',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  // Staff inbox (issue 16 point 5): an item id no agency has is 404, as another agency's item is
  'GET /staff/inbox': { expect: page({ staff: 200, otherAgency: 200 }) },
  'GET /staff/inbox/:id': {
    path: '/staff/inbox/inb_unknown',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'POST /staff/inbox/:id/acknowledgement': {
    path: '/staff/inbox/inb_unknown/acknowledgement',
    body: {},
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'GET /staff/inbox/:id/copy.pdf': {
    path: '/staff/inbox/inb_unknown/copy.pdf',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'GET /staff/transfers/:id/attachments/:index': {
    path: '/staff/transfers/trf_unknown/attachments/0',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  'GET /staff/inbox/:id/attachments/:index': {
    path: '/staff/inbox/inb_unknown/attachments/0',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  // Person search and page (issue 18 point 1): a pseudonym no agency knows is 404, as another
  // agency's person is
  'GET /staff/people': { expect: page({ staff: 200, otherAgency: 200 }) },
  'POST /staff/people': { body: { q: 'Mira' }, expect: page({ staff: 200, otherAgency: 200 }) },
  'GET /staff/people/:pseudonym': {
    path: '/staff/people/psn_00000000000000000000000000000000',
    expect: page({ staff: 404, otherAgency: 404 }),
  },
  // Notification centre (issue 18 point 4): each caller sees only its own agency's; the e-mail
  // notice is off in the test config (409), a read mark without its sequence number is 400
  'GET /staff/notifications': { expect: page({ staff: 200, otherAgency: 200 }) },
  'POST /staff/notifications/read': { body: {}, expect: page({ staff: 400, otherAgency: 400 }) },
  'POST /staff/notifications/email': { body: {}, expect: page({ staff: 409, otherAgency: 409 }) },
  'GET /dpo': { expect: page({ dpo: 200 }) },
  // DPO workplace (dpo-jc reads jc-demo; entry 1 is the audit entry of adding jc-demo)
  'GET /dpo/entries/:seq': { path: '/dpo/entries/1', expect: page({ dpo: 200 }) },
  'GET /dpo/reports': { expect: page({ dpo: 200 }) },
  'GET /dpo/reidentify': { expect: page({ dpo: 200 }) },
  'POST /dpo/reidentify': { body: {}, expect: page({ dpo: 400 }) },
  'POST /dpo/verify': { body: {}, expect: page({ dpo: 303 }) },
  'GET /admin': { expect: page({ admin: 200 }) },
  // Admin page
  'POST /admin/agencies': { body: {}, expect: page({ admin: 400 }) },
  'POST /admin/users': { body: {}, expect: page({ admin: 400 }) },
  'POST /admin/users/:userId/disable': {
    path: '/admin/users/nobody-x/disable',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/users/:userId/enable': {
    path: '/admin/users/nobody-x/enable',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/users/:userId/password-reset': {
    path: '/admin/users/nobody-x/password-reset',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/users/:userId/sessions/end': {
    path: '/admin/users/nobody-x/sessions/end',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/users/:userId/tokens/revoke': {
    path: '/admin/users/nobody-x/tokens/revoke',
    body: {},
    expect: page({ admin: 404 }),
  },
  // Certificates and kiosk devices (issue 18 point 7): admins only; which agency's objects an
  // admin reaches is the object rule's (admin-desk.test.ts tries the agency-bound admins).
  'GET /admin/certificates': { expect: page({ admin: 200 }) },
  'POST /admin/certificates': { body: {}, expect: page({ admin: 404 }) },
  'POST /admin/certificates/crl-refresh': { body: {}, expect: page({ admin: 303 }) },
  'POST /admin/certificates/:id/revoke': {
    path: `/admin/certificates/${'0'.repeat(64)}/revoke`,
    body: {},
    expect: page({ admin: 404 }),
  },
  'GET /admin/kiosks': { expect: page({ admin: 200 }) },
  'POST /admin/kiosks/:kioskId/lock': {
    path: '/admin/kiosks/nobody-x/lock',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/kiosks/:kioskId/unlock': {
    path: '/admin/kiosks/nobody-x/unlock',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/transfers/:id/retry': {
    path: '/admin/transfers/trf_missing/retry',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/transfers/:id/cancel': {
    path: '/admin/transfers/trf_missing/cancel',
    body: {},
    expect: page({ admin: 404 }),
  },
  'POST /admin/partners/pause': { body: { agencyId: 'nobody-x' }, expect: page({ admin: 404 }) },
  'POST /admin/partners/:agencyId/resume': {
    path: '/admin/partners/nobody-x/resume',
    body: {},
    expect: page({ admin: 404 }),
  },
  // Partner cards and profiles (issue 16 point 1): a malformed card or no choice is refused.
  'POST /admin/partner-cards/preview': { body: { card: 'x' }, expect: page({ admin: 400 }) },
  'POST /admin/partner-cards/import': { body: { card: 'x' }, expect: page({ admin: 400 }) },
  'POST /admin/agencies/profile': { body: {}, expect: page({ admin: 400 }) },
  // end admin rows
  // Kiosk (issue 6): without a person's session, step pages send the device back to /kiosk.
  'GET /kiosk': { expect: page({ kiosk: 200 }) },
  'POST /kiosk/pickup': { body: {}, expect: page({ kiosk: 400 }) },
  'POST /kiosk/take-pushed': { body: {}, expect: page({ kiosk: 404 }) },
  'POST /kiosk/language': { body: {}, expect: page({ kiosk: 400 }) },
  'POST /kiosk/step': { body: {}, expect: page({ kiosk: 400 }) },
  'GET /kiosk/read': { expect: page({ kiosk: 303 }) },
  'GET /kiosk/choose': { expect: page({ kiosk: 303 }) },
  'POST /kiosk/choose': { body: {}, expect: page({ kiosk: 303 }) },
  'GET /kiosk/sign': { expect: page({ kiosk: 303 }) },
  'POST /kiosk/sign': { body: {}, expect: page({ kiosk: 303 }) },
  'POST /kiosk/decline': { body: {}, expect: page({ kiosk: 303 }) },
  'POST /kiosk/confirm': { body: {}, expect: page({ kiosk: 303 }) },
  'GET /kiosk/receipt': { expect: page({ kiosk: 303 }) },
  'POST /kiosk/finish': { body: {}, expect: page({ kiosk: 303 }) },
  'POST /kiosk/wipe': { body: {}, expect: page({ kiosk: 303 }) },
  'GET /kiosk/done': { expect: page({ kiosk: 200 }) },
  'GET /kiosk/revoke': { expect: page({ kiosk: 200 }) },
  'POST /kiosk/revoke': { body: {}, expect: page({ kiosk: 400 }) },
  // Self-service (issue 6): its own session, not a role; without it every page leads to /me.
  'GET /me': { expect: publicRoute(200) },
  'POST /me': { body: {}, expect: publicRoute(403) }, // no login form token
  'GET /me/consents': { expect: publicRoute(303) },
  'POST /me/revoke': { body: {}, expect: publicRoute(400) },
  'GET /me/proof/:seq': { path: '/me/proof/1', expect: publicRoute(303) },
  'GET /me/export.json': { expect: publicRoute(303) },
  'GET /me/export.pdf': { expect: publicRoute(303) },
  'GET /me/receipt/:consentId': { path: '/me/receipt/cns_x', expect: publicRoute(303) },
  'POST /me/logout': { body: {}, expect: publicRoute(303) },
}

const accountOf: Record<Exclude<Who, 'anon' | 'expired'>, string> = {
  staff: 'staff-jc',
  otherAgency: 'staff-aa',
  dpo: 'dpo-jc',
  admin: 'admin',
  kiosk: 'kiosk-jc',
}

describe.each(dialects)('access control matrix on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>
  let expiredToken: string

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    const longAgo = new Date(t.clock.now().getTime() - 2 * 3600_000)
    ;({ token: expiredToken } = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId: 'staff-jc',
      role: 'staff',
      agencyId: 'jc-demo',
      now: longAgo,
      ttlMinutes: 60,
    }))
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  it('covers every route the app serves, and only those', () => {
    const served = [
      ...server.built.apiRoutes.map((r) => `${r.method.toUpperCase()} ${apiPrefix}${r.path}`),
      ...server.built.pageRoutes.map((r) => `${r.method.toUpperCase()} ${r.path}`),
    ].sort()
    expect(served).toEqual(Object.keys(matrix).sort())
  })

  it('gives every caller the status the matrix demands', async () => {
    const mismatches: string[] = []
    for (const [key, row] of Object.entries(matrix)) {
      const [method, routePath] = key.split(' ') as [string, string]
      const path = row.path ?? routePath
      const isApi = path.startsWith(apiPrefix)
      for (const who of everyone) {
        const headers: Record<string, string> = {}
        let body: string | undefined
        if (isApi) {
          if (who === 'expired') headers.authorization = `Bearer ${expiredToken}`
          else if (who !== 'anon') headers.authorization = `Bearer ${tokens[accountOf[who]]}`
          if (row.body !== undefined) {
            headers['content-type'] = 'application/json'
            body = JSON.stringify(row.body)
          }
        } else {
          let csrf = ''
          if (who === 'expired') {
            const session = await sessionFor(t.deps, 'staff-jc')
            t.clock.advance(31 * 60_000) // idle longer than sessionIdleMinutes
            headers.cookie = session.cookie
          } else if (who !== 'anon') {
            const session = await sessionFor(t.deps, accountOf[who])
            headers.cookie = session.cookie
            csrf = session.csrfToken
          }
          if (method === 'POST') {
            headers['content-type'] = 'application/x-www-form-urlencoded'
            body = new URLSearchParams({
              ...(csrf ? { _csrf: csrf } : {}),
              ...(row.body as Record<string, string>),
            }).toString()
          }
        }
        const response = await fetch(server.url + path, {
          method,
          headers,
          body,
          redirect: 'manual',
        })
        await response.arrayBuffer()
        if (response.status !== row.expect[who])
          mismatches.push(`${key} as ${who}: got ${response.status}, want ${row.expect[who]}`)
      }
    }
    expect(mismatches).toEqual([])
    // Hundreds of real requests (each with a session or token lookup) against a real database.
  }, 240_000)

  it('when a signed-in browser posts to the API without the CSRF header, then it is refused', async () => {
    const session = await sessionFor(t.deps, 'admin')
    const withoutCsrf = await server.api('POST', '/agencies', {
      headers: { cookie: session.cookie },
      body: { id: 'x-agency', name: 'X Agency', kind: 'traeger', mailbox: 'x@x.example' },
    })
    expect(withoutCsrf.status).toBe(403)
    expect(withoutCsrf.body).toMatchObject({ error: { code: 'csrf_failed' } })
    const withCsrf = await server.api('POST', '/agencies', {
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
      body: { id: 'x-agency', name: 'X Agency', kind: 'traeger', mailbox: 'x@x.example' },
    })
    expect(withCsrf.status).toBe(201)
  })

  it('when a staff account has no agency (only a damaged database holds one), then routes only staff call refuse it', async () => {
    // The account service refuses such an account; write the row past it.
    await insertUser(
      t.deps.db,
      {
        id: 'staff-nowhere',
        displayName: 'Staff without agency',
        role: 'staff',
        agencyId: null,
        allAgencies: false,
        disabled: false,
        passwordHash: null,
      },
      t.clock.now(),
    )
    const { token } = await issueToken({
      key: t.deps.config.secrets.tokenKey,
      userId: 'staff-nowhere',
      role: 'staff',
      agencyId: null,
      now: t.clock.now(),
      ttlMinutes: 60,
    })
    for (const path of ['/transfers', '/requests', '/majority-reviews', '/consents']) {
      const response = await server.api('GET', path, { token })
      expect(response.status, path).toBe(403)
      expect(response.body, path).toMatchObject({ error: { code: 'forbidden' } })
    }
    // A route staff share with other roles still answers (its handler copes with no agency).
    expect((await server.api('GET', '/me', { token })).status).toBe(200)
  })

  it('when a role is refused, then the refusal is in the audit log', async () => {
    const rows = await t.deps.db
      .selectFrom('audit_entries')
      .select(['type', 'actor'])
      .where('type', '=', 'permission_refused')
      .execute()
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.map((r) => r.actor)).toContain('kiosk:kiosk-jc')
  })
})
