import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createLoginCsrf, loginCsrfMaxAgeSeconds } from '../../../gateway/auth/login-csrf.ts'

const at = new Date('2026-03-02T09:00:00.000Z')
const later = (seconds: number) => new Date(at.getTime() + seconds * 1000)

describe('login CSRF token (signed double submit)', () => {
  const csrf = createLoginCsrf(randomBytes(32))

  it('accepts the same fresh token in cookie and field', () => {
    const token = csrf.issue('self-service', at)
    expect(
      csrf.check({ form: 'self-service', cookie: token, field: token, at: later(60) }),
    ).toEqual({ ok: true })
  })

  it('refuses a missing, mismatched, forged, foreign-form, foreign-key or expired token', () => {
    const token = csrf.issue('self-service', at)
    const check = (input: { cookie?: string; field?: string; form?: 'login' | 'self-service' }) =>
      csrf.check({
        form: input.form ?? 'self-service',
        cookie: input.cookie,
        field: input.field,
        at: later(60),
      })
    expect(check({ field: token })).toEqual({ ok: false, reason: 'missing' })
    expect(check({ cookie: token })).toEqual({ ok: false, reason: 'missing' })
    expect(check({ cookie: token, field: csrf.issue('self-service', at) })).toEqual({
      ok: false,
      reason: 'mismatch',
    })
    const [issued, nonce] = token.split('.')
    const forged = `${issued}.${nonce}.${'A'.repeat(43)}`
    expect(check({ cookie: forged, field: forged })).toEqual({ ok: false, reason: 'forged' })
    expect(check({ cookie: 'x', field: 'x' })).toEqual({ ok: false, reason: 'forged' })
    expect(check({ cookie: token, field: token, form: 'login' })).toEqual({
      ok: false,
      reason: 'forged',
    })
    const elsewhere = createLoginCsrf(randomBytes(32)).issue('self-service', at)
    expect(check({ cookie: elsewhere, field: elsewhere })).toEqual({ ok: false, reason: 'forged' })
    expect(
      csrf.check({
        form: 'self-service',
        cookie: token,
        field: token,
        at: later(loginCsrfMaxAgeSeconds + 1),
      }),
    ).toEqual({ ok: false, reason: 'expired' })
  })
})
