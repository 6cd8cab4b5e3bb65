import { describe, expect, it } from 'vitest'
import type { ConsentActor } from '../../../consent/permissions.ts'
import {
  matchesPersonQuery,
  parsePersonQuery,
  personConsentActions,
  personRecordOf,
  searchPeople,
  type PersonConsentFacts,
  type PersonQuery,
} from '../../../consent/person-search.ts'

/** Mira's consent: prepared by the Jobcenter, to the Jugendamt. */
const mira: PersonConsentFacts = {
  id: 'cns_mira',
  createdByAgencyId: 'jc-demo',
  senders: ['jc-demo'],
  recipients: ['ja-demo'],
  status: 'active',
  subjectPseudonym: 'psn_mira',
  subject: {
    givenName: 'Mira',
    familyName: 'Özdemir',
    birthDate: '2007-11-03',
    caseRefs: { 'jc-demo': 'JC 123/2026' },
  },
}
/** Another person, known only to the Agentur and the Jugendamt. */
const timo: PersonConsentFacts = {
  id: 'cns_timo',
  createdByAgencyId: 'aa-demo',
  senders: ['aa-demo'],
  recipients: ['ja-demo'],
  status: 'active',
  subjectPseudonym: 'psn_timo',
  subject: { givenName: 'Timo', familyName: 'Özdemir', birthDate: '2006-01-20', caseRefs: {} },
}
const consents = [mira, timo]
const query = (text: string): PersonQuery => parsePersonQuery(text) as PersonQuery

const jobcenter: ConsentActor = { kind: 'staff', agencyId: 'jc-demo' }

/** Every party but staff of an agency that is party to Mira's consent. */
const others: Record<string, ConsentActor> = {
  'staff of another agency (no party)': { kind: 'staff', agencyId: 'aa-demo' },
  'a kiosk of the creating agency': {
    kind: 'kiosk',
    agencyId: 'jc-demo',
    flow: { consentId: 'cns_mira', step: 'read', purpose: 'sign' },
    receiptConsentIds: ['cns_mira'],
  },
  'a /me session holding the receipt': { kind: 'self_service', receiptConsentIds: ['cns_mira'] },
  'a DPO, an admin, a worker or nobody': { kind: 'none' },
}

const record = {
  pseudonym: 'psn_mira',
  consents,
  transfers: [
    { id: 'trf_own', kind: 'transfer', senderAgencyId: 'jc-demo', consentId: 'cns_mira' },
    {
      id: 'trf_notice',
      kind: 'revocation_notice',
      senderAgencyId: 'jc-demo',
      consentId: 'cns_mira',
    },
    { id: 'trf_other', kind: 'transfer', senderAgencyId: 'aa-demo', consentId: 'cns_mira' },
    { id: 'trf_timo', kind: 'transfer', senderAgencyId: 'jc-demo', consentId: 'cns_timo' },
  ],
  inboxItems: [
    {
      id: 'inb_psn',
      recipientAgencyId: 'jc-demo',
      status: 'received' as const,
      subjectPseudonym: 'psn_mira',
      consentId: null,
    },
    {
      id: 'inb_cns',
      recipientAgencyId: 'jc-demo',
      status: 'received' as const,
      subjectPseudonym: null,
      consentId: 'cns_mira',
    },
    {
      id: 'inb_quarantined',
      recipientAgencyId: 'jc-demo',
      status: 'quarantined' as const,
      subjectPseudonym: 'psn_mira',
      consentId: 'cns_mira',
    },
    {
      id: 'inb_ja',
      recipientAgencyId: 'ja-demo',
      status: 'received' as const,
      subjectPseudonym: 'psn_mira',
      consentId: 'cns_mira',
    },
    {
      id: 'inb_timo',
      recipientAgencyId: 'jc-demo',
      status: 'received' as const,
      subjectPseudonym: 'psn_timo',
      consentId: null,
    },
  ],
  requests: [
    {
      id: 'req_in',
      status: 'open' as const,
      requesterAgencyId: 'ja-demo',
      holderAgencyId: 'jc-demo',
      consentId: 'cns_mira',
    },
    {
      id: 'req_answered',
      status: 'answered' as const,
      requesterAgencyId: 'ja-demo',
      holderAgencyId: 'jc-demo',
      consentId: 'cns_mira',
    },
    {
      id: 'req_timo',
      status: 'open' as const,
      requesterAgencyId: 'ja-demo',
      holderAgencyId: 'jc-demo',
      consentId: 'cns_timo',
    },
  ],
}

describe('reading the search box', () => {
  it('takes a German or ISO date as the birth date and every other word as a term, case folded', () => {
    expect(parsePersonQuery('  Mira  ÖZDEMIR 03.11.2007 ')).toEqual({
      terms: ['mira', 'ozdemir'],
      birthDate: '2007-11-03',
    })
    expect(parsePersonQuery('2007-11-03')).toEqual({ terms: [], birthDate: '2007-11-03' })
    expect(parsePersonQuery('3.1.2007')).toEqual({ terms: [], birthDate: '2007-01-03' })
  })

  it('keeps an impossible date as a word (it then matches nobody) and finds nothing in blanks', () => {
    expect(parsePersonQuery('31.02.2007')).toEqual({ terms: ['31.02.2007'], birthDate: null })
    expect(parsePersonQuery(' , ; ')).toBeNull()
  })
})

describe('matching one consent', () => {
  it('finds by part of a name, by birth date, by case reference (spaces and case ignored), and by all at once', () => {
    for (const text of [
      'özd',
      'Ozdemir',
      'MIRA',
      '03.11.2007',
      'jc123',
      'JC 123/2026',
      'mira 2007-11-03 123',
    ])
      expect(matchesPersonQuery(mira, query(text)), text).toBe(true)
  })

  it('needs every word and the birth date to fit', () => {
    for (const text of ['mira timo', 'mira 04.11.2007', 'aa 123', '31.02.2007'])
      expect(matchesPersonQuery(mira, query(text)), text).toBe(false)
  })
})

describe('who finds whom', () => {
  it('finds, for staff of a party, the people of their agency’s consents only', () => {
    const found = searchPeople(jobcenter, consents, query('Özdemir'))
    expect(found.map((p) => p.pseudonym)).toEqual(['psn_mira'])
    expect(found[0]).toMatchObject({ givenName: 'Mira', caseRefs: ['JC 123/2026'] })
  })

  it('lets a recipient agency find everyone of the consents it receives under, in name order', () => {
    const found = searchPeople({ kind: 'staff', agencyId: 'ja-demo' }, consents, query('Özdemir'))
    expect(found.map((p) => p.givenName)).toEqual(['Mira', 'Timo'])
  })

  it('groups the consents of one person under their pseudonym', () => {
    const renewed = { ...mira, id: 'cns_mira2', status: 'draft' as const }
    const found = searchPeople(jobcenter, [renewed, mira], query('mira'))
    expect(found).toHaveLength(1)
    expect(found[0]?.consents.map((c) => c.id)).toEqual(['cns_mira2', 'cns_mira'])
  })

  it.each(Object.entries(others))('finds nothing of Mira for %s', (_name, actor) => {
    for (const text of ['Mira', '03.11.2007', 'JC 123/2026'])
      expect(searchPeople(actor, [mira], query(text))).toEqual([])
  })
})

describe('the person page', () => {
  it('shows staff of a party the agency’s own transfers, received items and open requests about the person', () => {
    const page = personRecordOf(jobcenter, record)
    expect(page?.person).toMatchObject({ pseudonym: 'psn_mira', familyName: 'Özdemir' })
    expect(page?.consents.map((c) => c.id)).toEqual(['cns_mira'])
    expect(page?.transfers.map((t) => t.id)).toEqual(['trf_own'])
    expect(page?.inboxItems.map((i) => i.id)).toEqual(['inb_psn', 'inb_cns'])
    expect(page?.requests.map((r) => r.id)).toEqual(['req_in'])
  })

  it('shows the recipient agency its own side only: what it received, never what the sender sent', () => {
    const page = personRecordOf({ kind: 'staff', agencyId: 'ja-demo' }, record)
    expect(page?.transfers).toEqual([])
    expect(page?.inboxItems.map((i) => i.id)).toEqual(['inb_ja'])
    expect(page?.requests.map((r) => r.id)).toEqual(['req_in'])
  })

  it.each(Object.entries(others))('does not exist for %s', (_name, actor) => {
    expect(personRecordOf(actor, record)).toBeUndefined()
  })

  it('does not exist for a pseudonym nobody of the agency knows', () => {
    expect(personRecordOf(jobcenter, { ...record, pseudonym: 'psn_unknown' })).toBeUndefined()
  })
})

describe('the actions that fit a consent', () => {
  const today = '2026-03-02'
  const withValidity = (overrides: Partial<PersonConsentFacts> & { validUntil: string }) => ({
    ...mira,
    ...overrides,
  })

  it('offers the sender send, revoke and print while active; renew only once it ends within 30 days', () => {
    expect(
      personConsentActions('jc-demo', withValidity({ validUntil: '2026-12-31' }), today),
    ).toEqual({ send: true, renew: false, revoke: true, print: true, endingSoon: false })
    expect(
      personConsentActions('jc-demo', withValidity({ validUntil: '2026-04-01' }), today),
    ).toMatchObject({ send: true, renew: true, endingSoon: true })
  })

  it('does not offer sending under a single-transfer consent whose one transfer was sent', () => {
    const used = {
      ...withValidity({ validUntil: '2026-12-31' }),
      singleTransfer: { usedByTransferId: 'trf_1' },
    }
    expect(personConsentActions('jc-demo', used, today)).toMatchObject({ send: false })
    const unused = { ...used, singleTransfer: {} }
    expect(personConsentActions('jc-demo', unused, today)).toMatchObject({ send: true })
  })

  it('offers renewal instead of sending once a consent has ended', () => {
    for (const status of ['revoked', 'expired', 'lapsed'] as const)
      expect(
        personConsentActions('jc-demo', withValidity({ status, validUntil: '2026-12-31' }), today),
      ).toEqual({ send: false, renew: true, revoke: false, print: true, endingSoon: false })
  })

  it('never offers the recipient sending or renewal, only recording a revocation and printing', () => {
    expect(
      personConsentActions('ja-demo', withValidity({ validUntil: '2026-04-01' }), today),
    ).toEqual({ send: false, renew: false, revoke: true, print: true, endingSoon: true })
  })

  it('offers an agency that is no party nothing', () => {
    expect(
      personConsentActions('aa-demo', withValidity({ validUntil: '2026-04-01' }), today),
    ).toEqual({ send: false, renew: false, revoke: false, print: false, endingSoon: true })
  })
})
