import { describe, expect, it } from 'vitest'
import { parseCookies, serializeCookie } from '../../../gateway/http/cookies.ts'

const attributesOf = (setCookie: string) =>
  setCookie
    .split(';')
    .slice(1)
    .map((part) => part.trim())
    .sort()

describe('cookies', () => {
  it('reads the cookies of a Cookie header by name, decoded', () => {
    expect(parseCookies('brucke_session=abc; brucke_lang=en ;x=a%20b')).toEqual({
      brucke_session: 'abc',
      brucke_lang: 'en',
      x: 'a b',
    })
  })

  it('reads no cookies from a missing or empty header', () => {
    expect(parseCookies(undefined)).toEqual({})
    expect(parseCookies('')).toEqual({})
  })

  it('when a value is not valid percent-encoding, then that cookie counts as missing', () => {
    expect(parseCookies('brucke_session=%E0%A4%A; brucke_lang=en')).toEqual({
      brucke_lang: 'en',
    })
  })

  it('sets an HttpOnly, SameSite=Strict cookie on path / by default, Secure only when asked', () => {
    const plain = serializeCookie('brucke_session', 'tok-1', { secure: false })
    expect(plain.split(';')[0]).toBe('brucke_session=tok-1')
    expect(attributesOf(plain)).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict'])
    expect(attributesOf(serializeCookie('brucke_session', 'tok-1', { secure: true }))).toEqual([
      'HttpOnly',
      'Path=/',
      'SameSite=Strict',
      'Secure',
    ])
  })

  it('narrows the path and sets Max-Age when given; Max-Age=0 with an empty value removes it', () => {
    const csrf = serializeCookie('brucke_login_csrf', 'a.b.c', {
      secure: true,
      maxAgeSeconds: 3600,
      path: '/login',
    })
    expect(attributesOf(csrf)).toEqual([
      'HttpOnly',
      'Max-Age=3600',
      'Path=/login',
      'SameSite=Strict',
      'Secure',
    ])
    const removal = serializeCookie('brucke_me', '', {
      secure: false,
      maxAgeSeconds: 0,
      path: '/me',
    })
    expect(removal.split(';')[0]).toBe('brucke_me=')
    expect(attributesOf(removal)).toContain('Max-Age=0')
  })

  it('percent-encodes a value so that it reads back as it was set', () => {
    const value = 'ä; b=c,d 100%'
    const pair = serializeCookie('x', value, { secure: false }).split(';')[0]!
    expect(parseCookies(pair)).toEqual({ x: value })
  })
})
