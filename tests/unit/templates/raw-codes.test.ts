import { describe, expect, it } from 'vitest'
import { findForeignDates, findRawCodes, visibleText } from '../../../templates/pages/raw-codes.ts'

const codes = (page: string) => findRawCodes(page).map((c) => c.code)

describe('the raw-code check (issue 18 point 6)', () => {
  it('finds the codes the issue saw on screen', () => {
    expect(codes('<p>Kanal: self_service</p>')).toEqual(['self_service'])
    expect(codes('<li>category_not_covered:gesundheit</li>')).toEqual([
      'category_not_covered:gesundheit',
    ])
    expect(codes('<td>kiosk_draft_pushed</td>')).toEqual(['kiosk_draft_pushed'])
    expect(codes('<dt>consentId</dt><dd>x</dd>')).toEqual(['consentId'])
    expect(codes('<p>Grund: necessity_missing.</p>')).toEqual(['necessity_missing'])
    expect(codes('<button title="reason_code">Senden</button>')).toEqual(['reason_code'])
  })

  it('lets German text, times, ids, hashes, addresses and marked codes pass', () => {
    const page = `<html><head><style>.a_b{}</style><script>var consentId = 1</script></head>
      <body data-consent-id="cns_x" class="log_table">
      <h1>Einwilligung widerrufen</h1><p>am 01.03.2026, 10:15 – Gültig bis 31.12.2026.</p>
      <p>Einwilligung <code>cns_0123456789abcdefghjk</code>, Beleg rcp_egceqpkmeetjkrxrvzed, Person
        <code>psn_0123456789abcdef0123456789abcdef</code>, Hash 3f2a9c0d1e2b3c4d5e6f</p>
      <p>post@jobcenter.example, https://example.org/a_b, aktenvermerk_1.pdf</p>
      <p>Ereignis: Einwilligung widerrufen <code data-code>consent_revoked</code></p>
      <input name="valid_until" value="not_shown" placeholder="TT.MM.JJJJ" />
      <!-- transfer_denied -->
      </body></html>`
    expect(findRawCodes(page)).toEqual([])
  })

  it('reads the text after a data-code element again', () => {
    const text = visibleText('<p><span data-code><b>a_b</b></span> danach c_d</p>')
    expect(text).not.toContain('a_b')
    expect(codes('<p><span data-code><b>a_b</b></span> danach c_d</p>')).toEqual(['c_d'])
  })
})

describe('one-word codes', () => {
  it('flags a listed code as written, not the capitalised German word', () => {
    expect(
      findRawCodes('<p>Kanal: staff · am Kiosk · Kategorien: schule</p>', [
        'staff',
        'kiosk',
        'schule',
      ]).map((c) => c.code),
    ).toEqual(['staff', 'schule'])
  })
})

describe('one date format, one time format', () => {
  it('flags ISO dates, seconds, spelled-out months and slashes; passes DD.MM.YYYY, HH:MM', () => {
    const dates = (page: string) => findForeignDates(page).map((d) => d.code)
    expect(dates('<p>01.03.2026, 10:15 · 31.12.2026</p>')).toEqual([])
    expect(dates('<p>2026-03-01</p>')).toEqual(['2026-03-01'])
    expect(dates('<p>01.03.2026, 10:15:00</p>')).toEqual(['10:15:00'])
    expect(dates('<p>2. März 2026</p>')).toEqual(['2. März 2026'])
    expect(dates('<p>3/1/2026</p>')).toEqual(['3/1/2026'])
    expect(dates('<p>10:15 <code data-code>2026-03-01T09:15:00.000Z</code></p>')).toEqual([])
  })
})
