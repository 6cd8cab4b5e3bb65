import { describe, expect, it } from 'vitest'
import {
  checkCardImport,
  inboundSmtpUrlSchema,
  partnerCardBytes,
  partnerCardSchema,
  partnerCardSha256,
  planCertificateRollover,
  type PartnerCard,
} from '../../../accounts/partner-card.ts'

const day = 24 * 60 * 60 * 1000
const pem = '-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n'
const card: PartnerCard = {
  format: 'brucke-partner-card',
  version: 1,
  agency: {
    id: 'ja-demo',
    kind: 'jugendamt',
    name: 'Jugendamt Demo-Stadt',
    mailbox: 'jugendhilfe@ja-demo.example',
    smimeProfile: 'compatible',
    privacyNotice: null,
  },
  certificates: [pem],
  caChain: [pem],
  crlUrl: 'http://pki.ja-demo.example/ca.crl',
  inboundSmtp: 'smtp://mx.ja-demo.example:2526',
  issuedAt: '2026-03-02T09:00:00.000Z',
}

describe('partner card schema', () => {
  it('when a card is complete, then it parses; a missing or extra field, another version or no certificate is refused', () => {
    expect(partnerCardSchema.parse(card)).toEqual(card)
    expect(partnerCardSchema.safeParse({ ...card, version: 2 }).success).toBe(false)
    expect(partnerCardSchema.safeParse({ ...card, key: 'x' }).success).toBe(false)
    expect(partnerCardSchema.safeParse({ ...card, certificates: [] }).success).toBe(false)
    expect(partnerCardSchema.safeParse({ ...card, caChain: ['not pem'] }).success).toBe(false)
    const { issuedAt: _drop, ...withoutDate } = card
    expect(partnerCardSchema.safeParse(withoutDate).success).toBe(false)
    expect(partnerCardSchema.safeParse({ ...card, crlUrl: 'ftp://x.example/c.crl' }).success).toBe(
      false,
    )
    expect(partnerCardSchema.safeParse({ ...card, crlUrl: null }).success).toBe(true)
  })

  it('when an inbound address is not smtp://host:port, then it is refused', () => {
    for (const good of ['smtp://mx.example:25', 'smtp://127.0.0.1:2526', 'smtp://[::1]:2526'])
      expect(inboundSmtpUrlSchema.safeParse(good).success, good).toBe(true)
    for (const bad of [
      'smtps://mx.example:465',
      'smtp://mx.example',
      'smtp://user:pw@mx.example:25',
      'smtp://mx.example:25/path',
      'smtp://mx.example:0',
      'smtp://mx.example:70000',
      'http://mx.example:25',
    ])
      expect(inboundSmtpUrlSchema.safeParse(bad).success, bad).toBe(false)
  })

  it('when the same card is written with other whitespace or member order, then its signed bytes and fingerprint stay the same', () => {
    const { issuedAt, ...rest } = card
    const reordered = JSON.parse(JSON.stringify({ issuedAt, ...rest }, null, 4)) as PartnerCard
    expect(partnerCardBytes(reordered)).toEqual(partnerCardBytes(card))
    expect(partnerCardSha256(reordered)).toMatch(/^[0-9a-f]{64}$/)
    expect(partnerCardSha256(reordered)).toBe(partnerCardSha256(card))
    expect(partnerCardSha256({ ...card, inboundSmtp: 'smtp://other.example:25' })).not.toBe(
      partnerCardSha256(card),
    )
  })
})

describe('checkCardImport', () => {
  const issued = new Date(card.issuedAt)

  it('when the agency is unknown here, then the card may be imported', () => {
    expect(checkCardImport(undefined, card)).toEqual({ ok: true })
  })

  it('when the agency is hosted here, then no card is imported for it, whatever its date', () => {
    for (const cardIssuedAt of [null, new Date(0), new Date(issued.getTime() + day)])
      expect(checkCardImport({ hosted: true, cardIssuedAt }, card)).toEqual({
        ok: false,
        refusal: 'agency_hosted_here',
      })
  })

  it('when a partner card was imported before, then only a strictly newer one is accepted', () => {
    const known = (at: Date) => ({ hosted: false, cardIssuedAt: at })
    expect(checkCardImport(known(new Date(issued.getTime() - 1)), card)).toEqual({ ok: true })
    expect(checkCardImport(known(issued), card)).toEqual({ ok: false, refusal: 'card_not_newer' })
    expect(checkCardImport(known(new Date(issued.getTime() + 1)), card)).toEqual({
      ok: false,
      refusal: 'card_not_newer',
    })
    expect(checkCardImport({ hosted: false, cardIssuedAt: null }, card)).toEqual({ ok: true })
  })
})

describe('planCertificateRollover', () => {
  const at = new Date('2026-03-02T09:00:00.000Z')

  it('when a newer card drops a certificate, then it retires after the overlap and new ones are added', () => {
    expect(
      planCertificateRollover({
        registered: [{ id: 'old', retireAt: null }],
        onCard: ['new'],
        at,
        overlapDays: 14,
      }),
    ).toEqual({
      add: ['new'],
      retire: [{ id: 'old', retireAt: new Date(at.getTime() + 14 * day) }],
      reinstate: [],
    })
  })

  it('when a certificate is already retiring, then a further card keeps its date; back on a card, it is reinstated', () => {
    const earlier = new Date(at.getTime() + 3 * day)
    expect(
      planCertificateRollover({
        registered: [
          { id: 'old', retireAt: earlier },
          { id: 'back', retireAt: earlier },
          { id: 'new', retireAt: null },
        ],
        onCard: ['new', 'back'],
        at,
        overlapDays: 14,
      }),
    ).toEqual({ add: [], retire: [], reinstate: ['back'] })
  })

  it('when the card lists what is registered, then nothing changes', () => {
    expect(
      planCertificateRollover({
        registered: [{ id: 'a', retireAt: null }],
        onCard: ['a'],
        at,
        overlapDays: 0,
      }),
    ).toEqual({ add: [], retire: [], reinstate: [] })
  })
})
