import { createHash } from 'node:crypto'
import { expect } from 'vitest'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../../gateway/deps.ts'
import { signAtKioskOverApi } from '../support/consents.ts'
import type { TestServer } from '../support/http-client.ts'
import type { TestClock } from '../support/test-clock.ts'

// The test clock starts at 2026-03-02T09:00Z (10:00 in Berlin).
export const expiringSubject = {
  givenName: 'Leonie',
  familyName: 'Quastenberg',
  birthDate: '2005-06-10',
}
const otherSubject = { givenName: 'Jonas', familyName: 'Wendelstein', birthDate: '2004-02-01' }

export interface DpoScenario {
  expiringConsentId: string
  expiringPseudonym: string
  revokedConsentId: string
  revokedPseudonym: string
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/**
 * Audit entries a DPO looks at, made through the real services where they can run here: two
 * consents created and signed through the REST API (one ends within 30 days, the other is
 * revoked). Transfer attempts need a PKI and mail delivery, which the relay's own tests cover; for
 * the reports they are appended as the relay writes them — staff-jc is denied 6 times out of 6,
 * staff-aa and staff-ja are permitted 8 times and denied once each, so staff-jc stands out.
 */
export async function seedDpoScenario(
  server: TestServer,
  deps: Deps,
  clock: TestClock,
  tokens: Record<string, string>,
): Promise<DpoScenario> {
  const create = async (subject: typeof otherSubject, validUntil: string) => {
    const res = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject,
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule', 'berufswahl'],
        validUntil,
      },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    const view = res.body as { id: string; subjectPseudonym: string; kioskCode: string }
    const signed = await signAtKioskOverApi(server, {
      kioskToken: tokens['kiosk-jc'] as string,
      kioskCode: view.kioskCode,
      consentId: view.id,
      signature: { role: 'youth', name: `${subject.givenName} ${subject.familyName}` },
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    expect((signed.body as { status: string }).status).toBe('active')
    return view
  }
  const expiring = await create(expiringSubject, '2026-03-20')
  clock.advance(60_000)
  const revoked = await create(otherSubject, '2026-12-31')
  clock.advance(60_000)
  const revocation = await server.api('POST', `/consents/${revoked.id}/revocation`, {
    token: tokens['staff-jc'],
    body: { channel: 'staff' },
  })
  expect(revocation.status, JSON.stringify(revocation.body)).toBe(200)

  const attempt = async (user: string, agencyId: string, permit: boolean, i: number) => {
    clock.advance(60_000)
    const facts = {
      consentId: expiring.id,
      subjectPseudonym: expiring.subjectPseudonym,
      senderAgencyId: agencyId,
      recipientAgencyId: 'ja-demo',
      purpose: 'hilfeplanung',
      categories: ['schule'],
      channel: 'api' as const,
    }
    await appendAuditEvent(deps.db, {
      at: clock.now(),
      actor: `user:${user}`,
      event: permit
        ? {
            type: 'transfer_queued',
            ...facts,
            transferId: `trf_${user}_${i}`,
            kind: 'transfer',
            decision: 'permit',
            plaintextSha256: sha(`plain ${user} ${i}`),
            envelopeSha256: sha(`envelope ${user} ${i}`),
            messageId: `<trf_${user}_${i}@brucke.invalid>`,
          }
        : {
            type: 'transfer_denied',
            ...facts,
            decision: 'deny',
            reasons: i % 2 === 0 ? ['category_not_covered:gesundheit'] : ['necessity_missing'],
          },
    })
  }
  for (let i = 0; i < 6; i++) await attempt('staff-jc', 'jc-demo', false, i)
  for (let i = 0; i < 9; i++) await attempt('staff-aa', 'aa-demo', i !== 4, i)
  for (let i = 0; i < 9; i++) await attempt('staff-ja', 'ja-demo', i !== 2, i)
  return {
    expiringConsentId: expiring.id,
    expiringPseudonym: expiring.subjectPseudonym,
    revokedConsentId: revoked.id,
    revokedPseudonym: revoked.subjectPseudonym,
  }
}
