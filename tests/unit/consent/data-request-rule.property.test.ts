import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addDays, validityWindow } from '../../../consent/calendar.ts'
import {
  coveredCategories,
  coveredRecipients,
  type ConsentFacts,
  type SignatoryRole,
} from '../../../consent/consent.ts'
import {
  isConsentParty,
  mayRequestData,
  type DataRequestRuleInput,
} from '../../../consent/data-request-rule.ts'
import { consentStatus } from '../../../consent/status.ts'
import { vocabulary } from './fixtures.ts'

/** Registered agencies, and one id that is not (a typo, a deleted partner). */
const agencies = ['jc-a', 'aa-b', 'ja-c', 'tr-d']
const missing = 'gone-x'
const purposes = Object.keys(vocabulary.purposes)
const categories = Object.keys(vocabulary.categories)
/** Well-formed terms outside the vocabulary; `constructor` is a key of every object. */
const strangers = ['zauberei', 'constructor', 'geheim']
const t0 = Date.parse('2025-12-15T00:00:00.000Z')
const t1 = Date.parse('2027-06-01T00:00:00.000Z')

const subset = <T>(items: readonly T[], min = 0) => fc.subarray([...items], { minLength: min })
const instant = fc.integer({ min: t0, max: t1 }).map((ms) => new Date(ms))
/** Mostly `usual`, sometimes `rare`: the generator must reach accepted requests often. */
const mostly = <T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: rare, weight: 1 })

const consentArb: fc.Arbitrary<ConsentFacts> = fc
  .record({
    senders: subset(agencies, 1),
    recipients: subset(agencies, 1),
    purposes: subset(purposes, 1),
    categories: subset(categories, 1),
    deselectedCategories: subset(categories, 0).map((xs) => xs.slice(0, 3)),
    deselectedRecipients: mostly(fc.constant<string[]>([]), subset(agencies)),
    startOffset: fc.integer({ min: 0, max: 400 }),
    length: fc.integer({ min: 0, max: 365 }),
    guardian: fc.boolean(),
    fullySigned: mostly(fc.constant(true), fc.constant(false)),
    signed: fc.subarray<SignatoryRole>(['youth', 'guardian']),
    revokedAt: mostly(fc.constant(null), instant),
    discarded: fc.boolean(),
    used: mostly(fc.constant(null), fc.boolean()),
  })
  .map((r) => {
    const required: SignatoryRole[] = r.guardian ? ['youth', 'guardian'] : ['youth']
    const signed = r.fullySigned ? required : r.signed
    const validFrom = addDays('2026-01-01', r.startOffset)
    return {
      id: 'cns_p',
      subjectPseudonym: 'psn_p',
      senders: r.senders,
      recipients: r.recipients,
      purposes: r.purposes,
      categories: r.categories,
      deselectedCategories: r.deselectedCategories,
      deselectedRecipients: r.deselectedRecipients,
      validFrom,
      validUntil: addDays(validFrom, r.length),
      requiredSignatories: required,
      signedRoles: signed,
      revokedAt: r.revokedAt?.toISOString() ?? null,
      discardedAt:
        r.discarded && signed.length < required.length ? '2026-01-01T00:00:00.000Z' : null,
      declinedAt: null,
      lapsedAt: null,
      renewedAt: null,
      singleTransfer:
        r.used === null
          ? null
          : { summarySha256: 'a'.repeat(64), ...(r.used ? { usedByTransferId: 'trf_u' } : {}) },
    }
  })

/** Draws from `near` (terms of the consent) or from everything. */
const nearOr = <T>(near: readonly T[], all: fc.Arbitrary<T>, weight = 3) =>
  near.length === 0
    ? all
    : fc.oneof({ arbitrary: fc.constantFrom(...near), weight }, { arbitrary: all, weight: 2 })

/**
 * Any requester and any agency asked — each of them, depending on the consent drawn, a sender, a
 * covered or deselected recipient, an unrelated agency, the requester itself or (asked only) an
 * unregistered one — under a consent or none, at an instant mostly inside its validity. Drawn
 * near the consent's own terms often enough that accepted requests are not rare.
 */
const inputArb: fc.Arbitrary<DataRequestRuleInput> = mostly(consentArb, fc.constant(undefined))
  .chain((consent) =>
    fc.record({
      consent: fc.constant(consent),
      requesterAgencyId: nearOr(
        consent ? coveredRecipients(consent) : [],
        fc.constantFrom(...agencies),
      ),
      askedAgencyId: nearOr(
        consent?.senders ?? [],
        mostly(fc.constantFrom(...agencies), fc.constant(missing)),
      ),
      purpose: nearOr(
        consent?.purposes ?? [],
        mostly(fc.constantFrom(...purposes), fc.constantFrom(...strangers)),
      ),
      categories: fc.uniqueArray(
        nearOr(
          consent ? coveredCategories(consent) : [],
          fc.oneof(
            { arbitrary: fc.constantFrom(...categories), weight: 12 },
            { arbitrary: fc.constantFrom(...strangers), weight: 1 },
          ),
          6,
        ),
        { minLength: 1, maxLength: 4 },
      ),
      inside: fc.double({ min: 0, max: 0.999, noNaN: true }),
      elsewhen: mostly(fc.constant(null), instant),
    }),
  )
  .map(({ inside, elsewhen, ...r }) => {
    let now = elsewhen ?? new Date(t0)
    if (r.consent && !elsewhen) {
      const w = validityWindow(r.consent.validFrom, r.consent.validUntil)
      now = new Date(w.start.getTime() + Math.floor(inside * (w.end.getTime() - w.start.getTime())))
    }
    return { ...r, now, askedAgencyExists: r.askedAgencyId !== missing, vocabulary }
  })

const runs = { numRuns: 500 }

describe('mayRequestData (properties)', () => {
  it('accepts a request only if the requester is a covered recipient and the asked agency is a sender of that consent, which is in force and covers purpose and every category', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        if (!mayRequestData(input).ok) return
        const consent = input.consent as ConsentFacts
        expect(consent).toBeDefined()
        expect(coveredRecipients(consent)).toContain(input.requesterAgencyId)
        expect(consent.senders).toContain(input.askedAgencyId)
        expect(input.askedAgencyId).not.toBe(input.requesterAgencyId)
        expect(input.askedAgencyExists).toBe(true)
        expect(consentStatus(consent, input.now)).toBe('active')
        expect(consent.singleTransfer?.usedByTransferId).toBeUndefined()
        expect(consent.purposes).toContain(input.purpose)
        for (const c of input.categories) expect(coveredCategories(consent)).toContain(c)
      }),
      runs,
    )
  })

  it('accepts every request from a covered recipient to another sender that a consent in force covers (the rule is not vacuous)', () => {
    const coveredArb = consentArb
      .map((c) => ({
        ...c,
        signedRoles: c.requiredSignatories,
        revokedAt: null,
        discardedAt: null,
        singleTransfer: null,
      }))
      .filter((c) => coveredCategories(c).length > 0)
      .chain((consent) => {
        const pairs = consent.senders.flatMap((s) =>
          coveredRecipients(consent)
            .filter((r) => r !== s)
            .map((r) => [s, r] as const),
        )
        return pairs.length === 0
          ? fc.constant(null)
          : fc.record({
              consent: fc.constant(consent),
              pair: fc.constantFrom(...pairs),
              purpose: fc.constantFrom(...consent.purposes),
              categories: subset(coveredCategories(consent), 1),
            })
      })
      .filter((x) => x !== null)
    fc.assert(
      fc.property(coveredArb, ({ consent, pair, purpose, categories }) => {
        // A moment inside the validity: late morning of its first day in Berlin.
        const now = new Date(`${consent.validFrom}T10:00:00.000Z`)
        const verdict = mayRequestData({
          requesterAgencyId: pair[1],
          askedAgencyId: pair[0],
          askedAgencyExists: true,
          consent,
          purpose,
          categories,
          vocabulary,
          now,
        })
        expect(verdict).toEqual({ ok: true, consent })
      }),
      runs,
    )
  })

  it('answers a consent the requester is no party to exactly as if it did not exist (no existence oracle)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        if (!input.consent || isConsentParty(input.requesterAgencyId, input.consent)) return
        expect(mayRequestData(input)).toEqual(mayRequestData({ ...input, consent: undefined }))
      }),
      runs,
    )
  })

  it('never accepts a term outside the vocabulary, nor asks the own or an unregistered agency', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const verdict = mayRequestData(input)
        if (strangers.includes(input.purpose))
          expect(verdict).toMatchObject({ code: 'ERR_REQUEST_UNKNOWN_PURPOSE' })
        else if (input.categories.some((c) => strangers.includes(c)))
          expect(verdict).toMatchObject({ code: 'ERR_REQUEST_UNKNOWN_CATEGORY' })
        else if (input.askedAgencyId === input.requesterAgencyId)
          expect(verdict).toMatchObject({ code: 'ERR_REQUEST_SELF' })
        else if (!input.askedAgencyExists)
          expect(verdict).toMatchObject({ code: 'ERR_REQUEST_UNKNOWN_AGENCY' })
      }),
      runs,
    )
  })

  it('names exactly the categories the consent does not cover, whatever their order', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const verdict = mayRequestData(input)
        const reversed = mayRequestData({ ...input, categories: [...input.categories].reverse() })
        expect(reversed.ok).toBe(verdict.ok)
        if (verdict.ok || verdict.code !== 'ERR_REQUEST_NOT_COVERED') return
        const consent = input.consent as ConsentFacts
        const uncovered = input.categories.filter((c) => !coveredCategories(consent).includes(c))
        expect(verdict.details?.categories).toEqual(uncovered)
      }),
      runs,
    )
  })
})
