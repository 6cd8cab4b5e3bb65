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
  decide,
  type CertificateStanding,
  type Decision,
  type DecisionRequest,
} from '../../../consent/decide.ts'
import { consentStatus } from '../../../consent/status.ts'
import { vocabulary } from './fixtures.ts'

const agencies = ['jc-a', 'aa-b', 'ja-c', 'tr-d']
const purposes = Object.keys(vocabulary.purposes)
const categories = Object.keys(vocabulary.categories)
const subjects = ['psn_1', 'psn_2']
const day0 = '2026-01-01'
const t0 = Date.parse('2025-12-15T00:00:00.000Z')
const t1 = Date.parse('2027-06-01T00:00:00.000Z')

const subset = <T>(items: readonly T[], min = 0) =>
  fc.subarray([...items], { minLength: min }).map((xs) => xs)
const instant = fc.integer({ min: t0, max: t1 }).map((ms) => new Date(ms))

const consentArb: fc.Arbitrary<ConsentFacts> = fc
  .record({
    id: fc.stringMatching(/^cns_[a-z0-9]{4}$/),
    subjectPseudonym: fc.constantFrom(...subjects),
    senders: subset(agencies, 1),
    recipients: subset(agencies, 1),
    purposes: subset(purposes, 1),
    categories: subset(categories, 1),
    deselectedCategories: subset(categories),
    deselectedRecipients: subset(agencies),
    startOffset: fc.integer({ min: 0, max: 400 }),
    length: fc.integer({ min: 0, max: 365 }),
    guardian: fc.boolean(),
    entrusting: fc.boolean(),
    signed: fc.subarray<SignatoryRole>(['youth', 'guardian', 'entrusting_person']),
    revokedAt: fc.option(instant, { nil: null }),
    lapsedAt: fc.option(instant, { nil: null }),
    renewedAt: fc.option(instant, { nil: null }),
    discarded: fc.boolean(),
    declined: fc.boolean(),
  })
  .map((r) => {
    const required: SignatoryRole[] = ['youth']
    if (r.guardian) required.push('guardian')
    if (r.entrusting) required.push('entrusting_person')
    const validFrom = addDays(day0, r.startOffset)
    return {
      id: r.id,
      subjectPseudonym: r.subjectPseudonym,
      senders: r.senders,
      recipients: r.recipients,
      purposes: r.purposes,
      categories: r.categories,
      deselectedCategories: r.deselectedCategories,
      deselectedRecipients: r.deselectedRecipients,
      validFrom,
      validUntil: addDays(validFrom, r.length),
      requiredSignatories: required,
      signedRoles: r.signed,
      revokedAt: r.revokedAt?.toISOString() ?? null,
      discardedAt:
        r.discarded && r.signed.length < required.length ? '2026-01-01T00:00:00.000Z' : null,
      declinedAt:
        r.declined && r.signed.length < required.length ? '2026-01-01T00:00:00.000Z' : null,
      lapsedAt: r.lapsedAt?.toISOString() ?? null,
      renewedAt: r.renewedAt?.toISOString() ?? null,
      singleTransfer: null,
    }
  })

const requestArb: fc.Arbitrary<DecisionRequest> = fc.record({
  subjectPseudonym: fc.constantFrom(...subjects),
  from: fc.constantFrom(...agencies),
  staffAgencyId: fc.constantFrom(...agencies),
  to: fc.constantFrom(...agencies),
  purpose: fc.constantFrom(...purposes),
  categories: subset(categories, 1),
  necessity: fc.constantFrom('Abstimmung zur Hilfeplanung nötig.', '', 'kurz'),
  recipientCertificate: fc.constantFrom(
    'valid',
    'missing',
    'revoked',
    'expired',
    'untrusted',
    'invalid',
  ),
})

/** A request the facts of one consent fully cover, decided at a time inside its validity. */
const coveredCaseArb = consentArb
  .filter((c) => coveredCategories(c).length > 0 && coveredRecipients(c).length > 0)
  .chain((consent) =>
    fc.record({
      consent: fc.constant({
        ...consent,
        signedRoles: consent.requiredSignatories,
        revokedAt: null,
        discardedAt: null,
        declinedAt: null,
        lapsedAt: null,
        renewedAt: null,
      }),
      request: fc.record({
        subjectPseudonym: fc.constant(consent.subjectPseudonym),
        from: fc.constantFrom(...consent.senders),
        staffAgencyId: fc.constant(''),
        to: fc.constantFrom(...coveredRecipients(consent)),
        purpose: fc.constantFrom(...consent.purposes),
        categories: subset(coveredCategories(consent), 1),
        necessity: fc.constant('Abstimmung zur Hilfeplanung nötig.'),
        recipientCertificate: fc.constant<CertificateStanding>('valid'),
      }),
      offset: fc.double({ min: 0, max: 0.999999, noNaN: true }),
    }),
  )
  .map(({ consent, request, offset }) => {
    const w = validityWindow(consent.validFrom, consent.validUntil)
    const now = new Date(
      w.start.getTime() + Math.floor(offset * (w.end.getTime() - w.start.getTime())),
    )
    return { consent, request: { ...request, staffAgencyId: request.from }, now }
  })

const runs = { numRuns: 400 }

/** A decision without the consent a permit carries: what it says, not which object said it. */
const verdictOf = ({ decision, consentId, reasons }: Decision) => ({ decision, consentId, reasons })

describe('decide (properties)', () => {
  it('never permits without an active consent covering sender, recipient, purpose and every category at now', () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.array(consentArb, { maxLength: 4 }),
        instant,
        (req, consents, now) => {
          const result = decide(req, consents, now)
          if (result.decision !== 'permit') return
          const covering = consents.some((c) => {
            const w = validityWindow(c.validFrom, c.validUntil)
            return (
              c.subjectPseudonym === req.subjectPseudonym &&
              consentStatus(c, now) === 'active' &&
              now >= w.start &&
              now < w.end &&
              c.senders.includes(req.from) &&
              coveredRecipients(c).includes(req.to) &&
              c.purposes.includes(req.purpose) &&
              req.categories.every((cat) => coveredCategories(c).includes(cat))
            )
          })
          expect(covering).toBe(true)
          expect(req.staffAgencyId).toBe(req.from)
          expect(req.recipientCertificate).toBe('valid')
        },
      ),
      runs,
    )
  })

  it('permits every request an active, valid consent fully covers (the rule is not vacuous)', () => {
    fc.assert(
      fc.property(coveredCaseArb, ({ consent, request, now }) => {
        expect(decide(request, [consent], now)).toEqual({
          decision: 'permit',
          consentId: consent.id,
          consent,
          reasons: [],
        })
      }),
      runs,
    )
  })

  it('after a revocation at t, denies at every t2 >= t, and before t decides as if unrevoked', () => {
    fc.assert(
      fc.property(
        coveredCaseArb,
        fc.integer({ min: -5_000_000_000, max: 5_000_000_000 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        ({ consent, request, now }, revokeShift, after) => {
          const t = new Date(now.getTime() + revokeShift)
          const revoked = { ...consent, revokedAt: t.toISOString() }
          const later = new Date(t.getTime() + after)
          const atLater = decide(request, [revoked], later)
          expect(atLater.decision).toBe('deny')
          expect(atLater.reasons).toContain('consent_revoked')
          const before = new Date(t.getTime() - 1 - (after % 1_000_000_000))
          expect(verdictOf(decide(request, [revoked], before))).toEqual(
            verdictOf(decide(request, [consent], before)),
          )
        },
      ),
      runs,
    )
  })

  it('after a lapse at majority at t, denies as lapsed (never as revoked) at every t2 >= t', () => {
    fc.assert(
      fc.property(
        coveredCaseArb,
        fc.integer({ min: -5_000_000_000, max: 5_000_000_000 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        ({ consent, request, now }, shift, after) => {
          const t = new Date(now.getTime() + shift)
          const lapsed = { ...consent, lapsedAt: t.toISOString() }
          const atLater = decide(request, [lapsed], new Date(t.getTime() + after))
          expect(atLater.decision).toBe('deny')
          expect(atLater.reasons).toContain('consent_lapsed')
          expect(atLater.reasons).not.toContain('consent_revoked')
        },
      ),
      runs,
    )
  })

  it('after a renewal was signed at t, denies under the old consent as renewed at every t2 >= t', () => {
    fc.assert(
      fc.property(
        coveredCaseArb,
        fc.integer({ min: -5_000_000_000, max: 5_000_000_000 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        ({ consent, request, now }, shift, after) => {
          const t = new Date(now.getTime() + shift)
          const renewed = { ...consent, renewedAt: t.toISOString() }
          const atLater = decide(request, [renewed], new Date(t.getTime() + after))
          expect(atLater.decision).toBe('deny')
          expect(atLater.reasons).toContain('consent_renewed')
          expect(atLater.reasons).not.toContain('consent_revoked')
        },
      ),
      runs,
    )
  })

  it('never permits a declined draft', () => {
    fc.assert(
      fc.property(requestArb, consentArb, instant, (req, consent, now) => {
        if (consent.declinedAt === null) return
        expect(decide(req, [consent], now).decision).toBe('deny')
      }),
      runs,
    )
  })

  it('never permits a deselected category', () => {
    fc.assert(
      fc.property(requestArb, consentArb, instant, (req, consent, now) => {
        const result = decide(req, [consent], now)
        const deselected = req.categories.filter((c) => consent.deselectedCategories.includes(c))
        if (deselected.length === 0) return
        expect(result.decision).toBe('deny')
        if (req.subjectPseudonym === consent.subjectPseudonym) {
          for (const c of deselected) expect(result.reasons).toContain(`category_not_covered:${c}`)
        }
      }),
      runs,
    )
  })

  it('never permits through an expired consent', () => {
    fc.assert(
      fc.property(
        coveredCaseArb,
        fc.integer({ min: 0, max: 10_000_000_000 }),
        ({ consent, request }, after) => {
          const end = validityWindow(consent.validFrom, consent.validUntil).end
          const result = decide(request, [consent], new Date(end.getTime() + after))
          expect(result).toMatchObject({ decision: 'deny', reasons: ['consent_expired'] })
        },
      ),
      runs,
    )
  })

  it('never turns a denial into a permit by adding a category to the request', () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.array(consentArb, { maxLength: 4 }),
        instant,
        fc.constantFrom(...categories),
        (req, consents, now, extra) => {
          if (decide(req, consents, now).decision === 'permit') return
          const wider = { ...req, categories: [...req.categories, extra] }
          expect(decide(wider, consents, now).decision).toBe('deny')
        },
      ),
      runs,
    )
  })

  it('is deterministic: same inputs, any order of consents, same decision', () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.array(consentArb, { maxLength: 5 }),
        instant,
        fc.infiniteStream(fc.nat()),
        (req, consents, now, randoms) => {
          const first = decide(req, consents, now)
          const shuffled = [...consents]
            .map((c) => ({ c, k: randoms.next().value }))
            .sort((a, b) => a.k - b.k)
            .map(({ c }) => c)
          expect(decide(req, shuffled, now)).toEqual(first)
          expect(decide(structuredClone(req), structuredClone(consents), new Date(now))).toEqual(
            first,
          )
        },
      ),
      runs,
    )
  })
})
