import { describe, expect, it } from 'vitest'
import {
  kioskCodeAlphabet,
  kioskCodePattern,
  newKioskCode,
  normaliseKioskCode,
} from '../../../gateway/consent/kiosk-code.ts'

describe('kiosk pickup code', () => {
  it('uses only characters that cannot be confused', () => {
    for (const c of '0O1IL2Z5S8B') expect(kioskCodeAlphabet).not.toContain(c)
    for (let i = 0; i < 200; i++) expect(newKioskCode()).toMatch(kioskCodePattern)
  })

  it('reads a code as typed from paper', () => {
    expect(normaliseKioskCode('acd-efg hj')).toBe('ACDEFGHJ')
  })
})
