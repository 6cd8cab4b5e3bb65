import { describe, expect, it } from 'vitest'
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../../gateway/auth/password.ts'

const costOf = (stored: string) => stored.split('$').slice(0, 4).join('$')

describe('the dummy password hash', () => {
  it('has exactly the scheme and cost of a freshly hashed password, so checking it takes as long', async () => {
    const real = await hashPassword('a password of some length')
    expect(costOf(dummyPasswordHash)).toBe(costOf(real))
    expect(dummyPasswordHash.split('$').map((part) => part.length)).toEqual(
      real.split('$').map((part) => part.length),
    )
  })

  it('is a well-formed hash that a guess does not match', async () => {
    expect(await verifyPassword('', dummyPasswordHash)).toBe(false)
    expect(await verifyPassword('password', dummyPasswordHash)).toBe(false)
  })
})
