import { describe, expect, it } from 'vitest'
import type { ConsentFacts } from '../../../consent/consent.ts'
import { mayRequestData, type DataRequestRuleInput } from '../../../consent/data-request-rule.ts'
import { activeConsent, now, vocabulary } from './fixtures.ts'

/**
 * The consent of these examples: Jobcenter → Jugendamt and Agentur, the youth deselected the
 * Agentur and the category `berufswahl`. The Träger `tr-demo` prepared it but is no party (the
 * consent API refuses that today — ERR_CONSENT_CREATOR_NOT_PARTY — but the facts a request is
 * checked against do not record the creator, so it can only count as unrelated).
 */
const consent = (overrides: Partial<ConsentFacts> = {}): ConsentFacts =>
  activeConsent({
    deselectedRecipients: ['aa-demo'],
    deselectedCategories: ['berufswahl'],
    ...overrides,
  })

const registered = new Set(['jc-demo', 'ja-demo', 'aa-demo', 'tr-demo', 'other-demo'])

/** The Jugendamt (a covered recipient) asks the Jobcenter (the sender) for school data. */
function input(overrides: Partial<DataRequestRuleInput> = {}): DataRequestRuleInput {
  const base: DataRequestRuleInput = {
    requesterAgencyId: 'ja-demo',
    askedAgencyId: 'jc-demo',
    askedAgencyExists: true,
    consent: consent(),
    purpose: 'hilfeplanung',
    categories: ['schule'],
    vocabulary,
    now,
  }
  const merged = { ...base, ...overrides }
  return { ...merged, askedAgencyExists: registered.has(merged.askedAgencyId) }
}

describe('mayRequestData', () => {
  it('accepts a covered recipient asking a sender for covered categories for a covered purpose', () => {
    // An admitted request carries its consent, so the caller needs no second lookup or cast.
    expect(mayRequestData(input())).toEqual({ ok: true, consent: consent() })
    expect(mayRequestData(input({ categories: ['schule', 'gesundheit'] }))).toEqual({
      ok: true,
      consent: consent(),
    })
  })

  describe('tries every other party as the agency asked (`from`)', () => {
    const cases: [string, string, ReturnType<typeof mayRequestData>][] = [
      ['the sender', 'jc-demo', { ok: true, consent: consent() }],
      ['the requester itself', 'ja-demo', { ok: false, code: 'ERR_REQUEST_SELF' }],
      ['a recipient', 'aa-demo', { ok: false, code: 'ERR_REQUEST_NOT_SENDER' }],
      ['the creator that is no party', 'tr-demo', { ok: false, code: 'ERR_REQUEST_NOT_PARTY' }],
      ['an unrelated agency', 'other-demo', { ok: false, code: 'ERR_REQUEST_NOT_PARTY' }],
      [
        'an agency that does not exist',
        'gone-demo',
        { ok: false, code: 'ERR_REQUEST_UNKNOWN_AGENCY' },
      ],
    ]
    it.each(cases)('%s', (_name, asked, verdict) => {
      expect(mayRequestData(input({ askedAgencyId: asked }))).toEqual(verdict)
    })

    it('a covered recipient asked by another covered recipient is not a sender either', () => {
      const both = consent({ deselectedRecipients: [] })
      expect(
        mayRequestData(
          input({ consent: both, requesterAgencyId: 'aa-demo', askedAgencyId: 'ja-demo' }),
        ),
      ).toEqual({ ok: false, code: 'ERR_REQUEST_NOT_SENDER' })
    })
  })

  describe('tries every other party as the requester (the caller), asking the sender', () => {
    const cases: [string, string, string, ReturnType<typeof mayRequestData>][] = [
      ['a covered recipient', 'ja-demo', 'jc-demo', { ok: true, consent: consent() }],
      // A sender would send, not receive: it sees the consent but may not ask under it.
      [
        'the sender (asking a recipient)',
        'jc-demo',
        'ja-demo',
        { ok: false, code: 'ERR_REQUEST_NOT_RECIPIENT' },
      ],
      [
        'a recipient the youth deselected',
        'aa-demo',
        'jc-demo',
        { ok: false, code: 'ERR_REQUEST_NOT_RECIPIENT' },
      ],
      [
        'the creator that is no party',
        'tr-demo',
        'jc-demo',
        { ok: false, code: 'ERR_REQUEST_CONSENT_NOT_FOUND' },
      ],
      [
        'an unrelated agency',
        'other-demo',
        'jc-demo',
        { ok: false, code: 'ERR_REQUEST_CONSENT_NOT_FOUND' },
      ],
    ]
    it.each(cases)('%s', (_name, requester, asked, verdict) => {
      expect(mayRequestData(input({ requesterAgencyId: requester, askedAgencyId: asked }))).toEqual(
        verdict,
      )
    })

    it('a sender asking another sender is not a recipient', () => {
      const twoSenders = consent({ senders: ['jc-demo', 'tr-demo'] })
      expect(
        mayRequestData(
          input({ consent: twoSenders, requesterAgencyId: 'tr-demo', askedAgencyId: 'jc-demo' }),
        ),
      ).toEqual({ ok: false, code: 'ERR_REQUEST_NOT_RECIPIENT' })
    })
  })

  it('answers a consent the requester is no party to exactly like one that does not exist', () => {
    // Whoever is asked — the sender, a recipient, a stranger — and whatever is asked for.
    for (const asked of ['jc-demo', 'aa-demo', 'tr-demo'])
      for (const facts of [consent(), consent({ revokedAt: '2026-03-01T00:00:00.000Z' })])
        for (const categories of [['schule'], ['sucht', 'berufswahl']]) {
          const ask = { requesterAgencyId: 'other-demo', askedAgencyId: asked, categories }
          const foreign = mayRequestData(input({ ...ask, consent: facts }))
          expect(foreign).toEqual({ ok: false, code: 'ERR_REQUEST_CONSENT_NOT_FOUND' })
          expect(foreign).toEqual(mayRequestData(input({ ...ask, consent: undefined })))
        }
  })

  it('refuses terms outside the vocabulary before looking at the consent', () => {
    expect(mayRequestData(input({ purpose: 'zauberei', consent: undefined }))).toEqual({
      ok: false,
      code: 'ERR_REQUEST_UNKNOWN_PURPOSE',
      details: { purpose: 'zauberei' },
    })
    expect(mayRequestData(input({ categories: ['schule', 'geheim'] }))).toEqual({
      ok: false,
      code: 'ERR_REQUEST_UNKNOWN_CATEGORY',
      details: { categories: ['geheim'] },
    })
    // A well-formed term that names a property of every object is no term of the vocabulary.
    expect(mayRequestData(input({ purpose: 'constructor' }))).toMatchObject({
      code: 'ERR_REQUEST_UNKNOWN_PURPOSE',
    })
    expect(mayRequestData(input({ categories: ['constructor'] }))).toMatchObject({
      code: 'ERR_REQUEST_UNKNOWN_CATEGORY',
    })
  })

  it('refuses what the consent does not cover, naming it: a category deselected by the youth, one not in the consent, another purpose', () => {
    expect(mayRequestData(input({ categories: ['schule', 'berufswahl'] }))).toEqual({
      ok: false,
      code: 'ERR_REQUEST_NOT_COVERED',
      details: { categories: ['berufswahl'] },
    })
    expect(mayRequestData(input({ categories: ['sucht'] }))).toEqual({
      ok: false,
      code: 'ERR_REQUEST_NOT_COVERED',
      details: { categories: ['sucht'] },
    })
    expect(mayRequestData(input({ purpose: 'wohnen_u25' }))).toEqual({
      ok: false,
      code: 'ERR_REQUEST_NOT_COVERED',
      details: { purpose: 'wohnen_u25', categories: [] },
    })
  })

  const notInForce: [string, Partial<ConsentFacts>][] = [
    ['an unsigned draft', { signedRoles: [] }],
    ['a discarded draft', { signedRoles: [], discardedAt: '2026-03-01T00:00:00.000Z' }],
    ['a revoked consent', { revokedAt: '2026-03-02T08:59:59.000Z' }],
    ['an expired consent', { validFrom: '2026-01-01', validUntil: '2026-03-01' }],
    [
      'a used single-transfer consent',
      { singleTransfer: { summarySha256: 'a'.repeat(64), usedByTransferId: 'trf_1' } },
    ],
  ]
  it.each(notInForce)(
    'refuses a request under %s (the holder could never answer it)',
    (_n, facts) => {
      expect(mayRequestData(input({ consent: consent(facts) }))).toEqual({
        ok: false,
        code: 'ERR_REQUEST_CONSENT_NOT_ACTIVE',
      })
    },
  )

  it('accepts a request under a signed consent whose validity starts later, and one revoked only later', () => {
    const later = consent({ validFrom: '2026-04-01' })
    expect(mayRequestData(input({ consent: later }))).toEqual({ ok: true, consent: later })
    const revokedLater = consent({ revokedAt: '2026-03-02T09:00:01.000Z' })
    expect(mayRequestData(input({ consent: revokedLater }))).toEqual({
      ok: true,
      consent: revokedLater,
    })
  })
})
