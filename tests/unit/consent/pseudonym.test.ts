import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { derivePseudonymKey, normaliseName, pseudonymOf } from '../../../consent/pseudonym.ts'

const key = derivePseudonymKey(Buffer.alloc(32, 7))
const person = { givenName: 'Jürgen', familyName: 'Strauß', birthDate: '2004-05-06' }

describe('pseudonym', () => {
  it('is stable for the same person however the name is written', () => {
    const p = pseudonymOf(person, key)
    expect(p).toMatch(/^psn_[0-9a-f]{32}$/)
    expect(pseudonymOf({ ...person, familyName: 'STRAUSS' }, key)).toBe(p)
    expect(pseudonymOf({ ...person, givenName: '  JU\u0308RGEN ' }, key)).toBe(p)
    expect(pseudonymOf({ ...person, familyName: 'strauß' }, key)).toBe(p)
  })

  it('differs for another birth date, another name or another key', () => {
    const p = pseudonymOf(person, key)
    expect(pseudonymOf({ ...person, birthDate: '2004-05-07' }, key)).not.toBe(p)
    expect(pseudonymOf({ ...person, givenName: 'Jürgen Karl' }, key)).not.toBe(p)
    expect(pseudonymOf(person, derivePseudonymKey(randomBytes(32)))).not.toBe(p)
  })

  it('does not let name parts shift between given and family name', () => {
    expect(
      pseudonymOf({ givenName: 'Anna Maria', familyName: 'Roth', birthDate: '2004-01-01' }, key),
    ).not.toBe(
      pseudonymOf({ givenName: 'Anna', familyName: 'Maria Roth', birthDate: '2004-01-01' }, key),
    )
  })

  it('derives the key with HKDF so it differs from the master key', () => {
    const master = Buffer.alloc(32, 7)
    expect(derivePseudonymKey(master).equals(master)).toBe(false)
    expect(derivePseudonymKey(master).equals(derivePseudonymKey(Buffer.from(master)))).toBe(true)
    expect(normaliseName(' Ａ  b ')).toBe('ａ b')
  })

  it('refuses a short key', () => {
    expect(() => pseudonymOf(person, Buffer.alloc(16))).toThrow(RangeError)
  })
})
