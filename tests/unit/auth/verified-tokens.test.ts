import { randomBytes } from 'node:crypto'
import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { issueToken } from '../../../gateway/auth/tokens.ts'
import { createVerifiedTokens } from '../../../gateway/auth/verified-tokens.ts'

const at = new Date('2026-03-02T09:00:00.000Z')
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000)
const key = randomBytes(32)
const maxLifetimeMinutes = 60

async function tokenFor(userId: string, ttlMinutes = 10): Promise<string> {
  const issued = await issueToken({
    key,
    userId,
    role: 'staff',
    agencyId: 'jc-demo',
    now: at,
    ttlMinutes,
  })
  return issued.token
}

describe('remembered bearer-token checks', () => {
  it('when a remembered token reaches its exp, then it is expired — the clock is asked on every use', async () => {
    const tokens = createVerifiedTokens()
    const token = await tokenFor('staff-jc', 10)
    expect(await tokens.verify(token, { key, now: at, maxLifetimeMinutes })).toMatchObject({
      ok: true,
      userId: 'staff-jc',
    })
    expect(tokens.size()).toBe(1)
    expect(await tokens.verify(token, { key, now: later(599), maxLifetimeMinutes })).toMatchObject({
      ok: true,
    })
    expect(await tokens.verify(token, { key, now: later(600), maxLifetimeMinutes })).toEqual({
      ok: false,
      code: 'token_expired',
    })
    // And stays expired when asked again (it is not remembered as good any more).
    expect(await tokens.verify(token, { key, now: later(601), maxLifetimeMinutes })).toEqual({
      ok: false,
      code: 'token_expired',
    })
  })

  it('when TOKEN_TTL_MINUTES is lowered below a remembered token’s lifetime, then it is refused', async () => {
    const tokens = createVerifiedTokens()
    const token = await tokenFor('staff-jc', 30)
    expect((await tokens.verify(token, { key, now: at, maxLifetimeMinutes })).ok).toBe(true)
    expect(await tokens.verify(token, { key, now: at, maxLifetimeMinutes: 15 })).toEqual({
      ok: false,
      code: 'token_invalid',
    })
  })

  it('when a remembered token is checked with another key, then it is invalid', async () => {
    const tokens = createVerifiedTokens()
    const token = await tokenFor('staff-jc')
    expect((await tokens.verify(token, { key, now: at, maxLifetimeMinutes })).ok).toBe(true)
    expect(
      await tokens.verify(token, { key: randomBytes(32), now: at, maxLifetimeMinutes }),
    ).toEqual({ ok: false, code: 'token_invalid' })
  })

  it('when a token has an nbf in the future, then it is refused until then, remembered or not', async () => {
    const tokens = createVerifiedTokens()
    const now = Math.floor(at.getTime() / 1000)
    const token = await new SignJWT({ iss: 'brucke', aud: 'brucke-api', role: 'staff' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('staff-jc')
      .setJti('tok_nbf')
      .setIssuedAt(now)
      .setNotBefore(now + 30)
      .setExpirationTime(now + 600)
      .sign(key)
    expect((await tokens.verify(token, { key, now: at, maxLifetimeMinutes })).ok).toBe(false)
    expect((await tokens.verify(token, { key, now: later(30), maxLifetimeMinutes })).ok).toBe(true)
    expect(await tokens.verify(token, { key, now: later(10), maxLifetimeMinutes })).toEqual({
      ok: false,
      code: 'token_invalid',
    })
  })

  it('when bad tokens arrive, then none is remembered; good ones are kept up to the capacity', async () => {
    const tokens = createVerifiedTokens(2)
    const good = await tokenFor('staff-jc')
    expect((await tokens.verify(`${good}x`, { key, now: at, maxLifetimeMinutes })).ok).toBe(false)
    expect((await tokens.verify('a.b.c', { key, now: at, maxLifetimeMinutes })).ok).toBe(false)
    expect(tokens.size()).toBe(0)
    const [a, b, c] = [good, await tokenFor('staff-aa'), await tokenFor('staff-dpo')]
    for (const token of [a, b, a, c])
      await tokens.verify(token, { key, now: at, maxLifetimeMinutes })
    expect(tokens.size()).toBe(2)
    // b was the least recently used: it went, a stayed; both still verify (b anew).
    expect((await tokens.verify(a, { key, now: at, maxLifetimeMinutes })).ok).toBe(true)
    expect((await tokens.verify(b, { key, now: at, maxLifetimeMinutes })).ok).toBe(true)
    expect(tokens.size()).toBe(2)
  })
})
