import { describe, expect, it } from 'vitest'
import {
  defaultEntrustedCategories,
  needsGuardian,
  requiredSignatories,
  type SignatoryInput,
} from '../../../consent/signatories.ts'
import { agencyKinds, vocabulary } from './fixtures.ts'

const input = (overrides: Partial<SignatoryInput> = {}): SignatoryInput => ({
  birthDate: '2000-01-01',
  at: new Date('2026-03-02T09:00:00.000Z'),
  guardianAge: 18,
  senders: ['jc-demo'],
  senderKinds: agencyKinds,
  categories: ['schule'],
  deselectedCategories: [],
  entrustedCategories: [],
  entrustingPersons: [],
  ...overrides,
})

describe('required signatories', () => {
  it('when the youth is an adult, then only the youth signs', () => {
    expect(requiredSignatories(input())).toEqual(['youth'])
  })

  it('when the youth turns 18 on the day of signing (Berlin), then no guardian is needed', () => {
    // 00:30 Berlin on the 18th birthday is still the previous day in UTC.
    const at = new Date('2026-03-01T23:30:00.000Z')
    expect(needsGuardian('2008-03-02', at, 18)).toBe(false)
    expect(requiredSignatories(input({ birthDate: '2008-03-02', at }))).toEqual(['youth'])
  })

  it('when it is 23:59 in Berlin the day before the 18th birthday, then a guardian signs too', () => {
    const at = new Date('2026-03-01T22:59:00.000Z')
    expect(needsGuardian('2008-03-02', at, 18)).toBe(true)
    expect(requiredSignatories(input({ birthDate: '2008-03-02', at }))).toEqual([
      'youth',
      'guardian',
    ])
  })

  it('uses the configured guardian age', () => {
    const at = new Date('2026-03-02T09:00:00.000Z')
    expect(requiredSignatories(input({ birthDate: '2010-01-01', at, guardianAge: 16 }))).toEqual([
      'youth',
    ])
    expect(requiredSignatories(input({ birthDate: '2010-01-01', at, guardianAge: 17 }))).toEqual([
      'youth',
      'guardian',
    ])
  })

  it('when § 65 data leaves a Jugendamt and another person entrusted it, then that person signs', () => {
    const fromJa = {
      senders: ['ja-demo'],
      categories: ['hilfeplan', 'familie'],
      entrustedCategories: ['hilfeplan'],
    }
    expect(
      requiredSignatories(
        input({ ...fromJa, entrustingPersons: [{ isYouth: false, name: 'Petra Beispiel' }] }),
      ),
    ).toEqual(['youth', 'entrusting_person'])
    expect(
      requiredSignatories(input({ ...fromJa, entrustingPersons: [{ isYouth: true }] })),
    ).toEqual(['youth'])
  })

  it('when the § 65 category is deselected or the sender is no Jugendamt, then no entrusting person signs', () => {
    const other = { isYouth: false as const, name: 'Petra Beispiel' }
    expect(
      requiredSignatories(
        input({
          senders: ['ja-demo'],
          categories: ['hilfeplan', 'familie'],
          entrustedCategories: ['hilfeplan'],
          deselectedCategories: ['hilfeplan'],
          entrustingPersons: [other],
        }),
      ),
    ).toEqual(['youth'])
    expect(
      requiredSignatories(
        input({
          senders: ['jc-demo'],
          categories: ['hilfeplan'],
          entrustedCategories: ['hilfeplan'],
          entrustingPersons: [other],
        }),
      ),
    ).toEqual(['youth'])
  })

  it('when the Jugendamt marks any category as entrusted, then it counts — and an unmarked one does not', () => {
    const other = { isYouth: false as const, name: 'Petra Beispiel' }
    const fromJa = {
      senders: ['ja-demo'],
      categories: ['schule', 'familie'],
      entrustingPersons: [other],
    }
    expect(requiredSignatories(input({ ...fromJa, entrustedCategories: ['schule'] }))).toEqual([
      'youth',
      'entrusting_person',
    ])
    expect(requiredSignatories(input({ ...fromJa, entrustedCategories: [] }))).toEqual(['youth'])
    expect(
      requiredSignatories(
        input({ ...fromJa, entrustedCategories: ['schule'], deselectedCategories: ['schule'] }),
      ),
    ).toEqual(['youth'])
  })

  it('when staff prepare a consent, then only a Jugendamt sender preselects the § 65 categories of the vocabulary', () => {
    const base = { senderKinds: agencyKinds, categories: ['hilfeplan', 'schule'], vocabulary }
    expect(defaultEntrustedCategories({ ...base, senders: ['ja-demo'] })).toEqual(['hilfeplan'])
    expect(defaultEntrustedCategories({ ...base, senders: ['jc-demo'] })).toEqual([])
  })

  it('when several people entrusted the data, then each named one signs under a role of their own, in order', () => {
    const fromJa = {
      senders: ['ja-demo'],
      categories: ['hilfeplan'],
      entrustedCategories: ['hilfeplan'],
    }
    const mother = { isYouth: false as const, name: 'Petra Beispiel', relation: 'Mutter' }
    const teacher = { isYouth: false as const, name: 'Jonas Lehrer' }
    expect(
      requiredSignatories(
        input({ ...fromJa, entrustingPersons: [mother, { isYouth: true }, teacher] }),
      ),
    ).toEqual(['youth', 'entrusting_person', 'entrusting_person_2'])
    expect(
      requiredSignatories(input({ ...fromJa, entrustingPersons: [{ isYouth: true }] })),
    ).toEqual(['youth'])
  })
})
