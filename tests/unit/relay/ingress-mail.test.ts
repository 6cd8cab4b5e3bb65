import { describe, expect, it } from 'vitest'
import { vocabulary } from '../../../config/vocabulary.ts'
import {
  decodeEncodedWords,
  describeIngressProblems,
  parseSubjectToken,
  readIngressMail,
  safePdfFilename,
  type IngressMail,
} from '../../../gateway/relay/ingress-mail.ts'

const consentId = 'cns_0123456789abcdefghjk'

function mail(overrides: Partial<IngressMail> & { headers?: Record<string, string> } = {}) {
  const headers = overrides.headers ?? {}
  return {
    subject:
      overrides.subject ??
      `Übergabe [Brücke consent=${consentId} purpose=uebergabe category=schule]`,
    header: (name: string) => headers[name],
    text:
      overrides.text ?? 'Erforderlichkeit: Übergabe an das Jugendamt\n\nSchulbesuch regelmäßig.\n',
    attachments: overrides.attachments ?? [],
  } satisfies IngressMail
}

/** Reads a mail addressed to `rcptAgencyId`'s functional mailbox (undefined: the ingress address). */
const readTo = (m: IngressMail, rcptAgencyId: string | undefined) =>
  readIngressMail(m, { rcptAgencyId, vocabulary })
const read = (m: IngressMail) => readTo(m, 'ja-demo')

describe('subject token', () => {
  it('when the token is written Brücke, Bruecke or BRUCKE with = or :, then every key is read', () => {
    for (const word of ['Brücke', 'Bruecke', 'BRUCKE', 'brucke', 'BRÜCKE']) {
      const { token, title } = parseSubjectToken(
        `Wechsel [${word} Consent: ${consentId}; Purpose=Uebergabe, category=schule to=ja-demo] nach Umzug`,
      )
      expect(token).toEqual({
        consent: consentId,
        purpose: 'Uebergabe',
        category: 'schule',
        to: 'ja-demo',
      })
      expect(title).toBe('Wechsel nach Umzug')
    }
  })

  it('when the subject has decomposed umlauts (macOS) and German keys, then they are read', () => {
    const decomposed =
      'Zusammenfassung [Bru\u0308cke einwilligung=cns_abcd1234 zweck=U\u0308bergabe kategorie=Schule an=ja-demo]'
    const { token, title } = parseSubjectToken(decomposed)
    expect(token).toEqual({
      consent: 'cns_abcd1234',
      purpose: 'Übergabe',
      category: 'Schule',
      to: 'ja-demo',
    })
    expect(title).toBe('Zusammenfassung')
  })

  it('when there is no token, then the whole subject is the title', () => {
    expect(parseSubjectToken('  Nur ein Betreff ')).toEqual({ token: {}, title: 'Nur ein Betreff' })
  })

  it('decodes RFC 2047 encoded words in header values', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?Abstimmung_f=C3=BCr?= =?UTF-8?B?IEhpbGZlcGxhbg==?=')).toBe(
      'Abstimmung für Hilfeplan',
    )
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Ma=DFnahme?=')).toBe('Maßnahme')
  })
})

describe('reading a mail into a transfer', () => {
  it('when headers and token both name values, then the headers win', () => {
    const result = read(
      mail({
        headers: {
          'x-brucke-consent': 'CNS_ZZZZ1111',
          'x-brucke-purpose': 'Hilfeplanung',
          'x-brucke-category': 'berufswahl',
          'x-brucke-necessity': '=?UTF-8?Q?Abstimmung_f=C3=BCr_den_Hilfeplan?=',
        },
      }),
    )
    expect(result).toMatchObject({
      ok: true,
      transfer: {
        consentId: 'cns_zzzz1111',
        purpose: 'hilfeplanung',
        necessity: 'Abstimmung für den Hilfeplan',
        sections: [{ category: 'berufswahl', title: 'Übergabe' }],
      },
    })
  })

  it('when only the token and an Erforderlichkeit line are given, then the line becomes the necessity and leaves the body', () => {
    const result = read(mail())
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.transfer).toMatchObject({
      consentId,
      to: 'ja-demo',
      purpose: 'uebergabe',
      necessity: 'Übergabe an das Jugendamt',
      sections: [{ category: 'schule', title: 'Übergabe', body: 'Schulbesuch regelmäßig.' }],
    })
  })

  it('when the text has ## headings and a signature, then each heading is a section and the signature is cut', () => {
    const result = read(
      mail({
        text: 'Vorab.\n## Schule\nRegelmäßig.\n\n## Praktikum\nIm März.\n-- \nFrau Demir\nJobcenter\n',
        headers: { 'x-brucke-necessity': 'Hilfeplan' },
      }),
    )
    expect(result.ok && result.transfer.sections).toEqual([
      { category: 'schule', title: 'Übergabe', body: 'Vorab.' },
      { category: 'schule', title: 'Schule', body: 'Regelmäßig.' },
      { category: 'schule', title: 'Praktikum', body: 'Im März.' },
    ])
  })

  it('when consent, purpose, category and necessity are missing, then each is named', () => {
    const result = read(mail({ subject: 'Hallo', text: 'Nur Text.' }))
    expect(result).toEqual({
      ok: false,
      problems: [
        { code: 'consent_missing' },
        { code: 'purpose_missing' },
        { code: 'category_missing' },
        { code: 'necessity_missing' },
      ],
    })
    if (result.ok) return
    const text = describeIngressProblems(result.problems)
    expect(text).toMatch(/^5\.6\.0 /)
    expect(text).toContain('Einwilligung fehlt')
    expect(text).toContain('consent reference missing')
  })

  it('when purpose or category are not in the vocabulary, then they are refused as unknown', () => {
    const result = read(
      mail({ subject: `[Brücke consent=${consentId} purpose=kaffee category=wetter]` }),
    )
    expect(result).toMatchObject({
      ok: false,
      problems: [
        { code: 'purpose_unknown', detail: 'kaffee' },
        { code: 'category_unknown', detail: 'wetter' },
      ],
    })
  })

  it('when the mail goes to the ingress address, then the recipient must come from a header or token', () => {
    expect(readTo(mail(), undefined)).toMatchObject({
      ok: false,
      problems: [{ code: 'recipient_missing' }],
    })
    expect(readTo(mail({ headers: { 'x-brucke-to': 'ja-demo' } }), undefined)).toMatchObject({
      ok: true,
      transfer: { to: 'ja-demo' },
    })
  })

  it('when the To address and X-Brucke-To name different agencies, then the mail is refused', () => {
    expect(read(mail({ headers: { 'x-brucke-to': 'aa-demo' } }))).toMatchObject({
      ok: false,
      problems: [{ code: 'recipient_conflict' }],
    })
  })

  it('when a PDF is attached, then it becomes an attachment of the category; any other file is refused', () => {
    const pdf = Buffer.from('%PDF-1.4\n%…\n')
    const ok = read(
      mail({
        attachments: [
          { filename: 'Zeugnis 2024/25.pdf', contentType: 'application/pdf', content: pdf },
          { filename: 'smime.p7s', contentType: 'application/pkcs7-signature', content: pdf },
        ],
      }),
    )
    expect(ok).toMatchObject({
      ok: true,
      transfer: {
        attachments: [
          {
            filename: 'Zeugnis 2024_25.pdf',
            contentType: 'application/pdf',
            contentBase64: pdf.toString('base64'),
            category: 'schule',
          },
        ],
      },
    })
    const refused = read(
      mail({
        attachments: [
          { filename: 'foto.png', contentType: 'image/png', content: Buffer.from('png') },
          { filename: 'fake.pdf', contentType: 'application/pdf', content: Buffer.from('MZ') },
        ],
      }),
    )
    expect(refused).toEqual({ ok: false, problems: [{ code: 'attachment_not_pdf' }] })
  })

  it('when the text is empty apart from the necessity line, then the mail is refused', () => {
    expect(read(mail({ text: 'Erforderlichkeit: x\n\n-- \nGruß' }))).toEqual({
      ok: false,
      problems: [{ code: 'body_empty' }],
    })
  })

  it('makes file names the transfer schema accepts', () => {
    expect(safePdfFilename('Bericht:<Ärger>.PDF', 0)).toBe('Bericht__Ärger_.pdf')
    expect(safePdfFilename(undefined, 1)).toBe('anhang-2.pdf')
  })
})
