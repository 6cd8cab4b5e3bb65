import { vocabulary } from '../../../config/vocabulary.ts'
import type { ConsentFacts } from '../../../consent/consent.ts'
import type { DecisionRequest } from '../../../consent/decide.ts'

export { vocabulary }

/** 2026-03-02 10:00 in Berlin. */
export const now = new Date('2026-03-02T09:00:00.000Z')

/** An active standing consent Jobcenter → Jugendamt for Hilfeplanung, valid through 2026-12-31. */
export function activeConsent(overrides: Partial<ConsentFacts> = {}): ConsentFacts {
  return {
    id: 'cns_a',
    subjectPseudonym: 'psn_subject',
    senders: ['jc-demo'],
    recipients: ['ja-demo', 'aa-demo'],
    purposes: ['hilfeplanung', 'fallkonferenz'],
    categories: ['schule', 'berufswahl', 'gesundheit'],
    deselectedCategories: [],
    deselectedRecipients: [],
    validFrom: '2026-03-01',
    validUntil: '2026-12-31',
    requiredSignatories: ['youth'],
    signedRoles: ['youth'],
    revokedAt: null,
    discardedAt: null,
    declinedAt: null,
    lapsedAt: null,
    renewedAt: null,
    singleTransfer: null,
    ...overrides,
  }
}

export function request(overrides: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    subjectPseudonym: 'psn_subject',
    from: 'jc-demo',
    staffAgencyId: 'jc-demo',
    to: 'ja-demo',
    purpose: 'hilfeplanung',
    categories: ['schule'],
    necessity: 'Abstimmung des Hilfeplans vor der Fallkonferenz am Montag.',
    recipientCertificate: 'valid',
    ...overrides,
  }
}

export const agencyKinds = new Map([
  ['jc-demo', 'jobcenter'],
  ['aa-demo', 'agentur'],
  ['ja-demo', 'jugendamt'],
])
