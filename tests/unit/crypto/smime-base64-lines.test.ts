import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { parseSmimeEntity, wrapPkcs7Mime } from '../../../crypto/smime-message.ts'

/** The plain definition of RFC 2045 §6.8 lines, to compare the in-place encoder against. */
function referenceLines(der: Buffer): string {
  const base64 = der.toString('base64')
  let text = ''
  for (let start = 0; start < base64.length; start += 76) {
    text += `${base64.slice(start, start + 76)}\r\n`
  }
  return text
}

describe('wrapPkcs7Mime base64 body', () => {
  it.each([0, 1, 2, 3, 56, 57, 58, 113, 114, 115, 1000, 100_003])(
    'when the DER is %i bytes, then the body is base64 in 76-character CRLF lines that decode to it',
    (size) => {
      const der = randomBytes(size)
      const entity = wrapPkcs7Mime(der, 'signed-data')
      const text = entity.toString('latin1')
      const bodyStart = text.indexOf('\r\n\r\n') + 4
      expect(text.slice(bodyStart)).toBe(referenceLines(der))
      expect(text.startsWith('Content-Type: application/pkcs7-mime; smime-type=signed-data')).toBe(
        true,
      )
      if (size > 0) {
        const parsed = parseSmimeEntity(entity)
        expect(parsed.kind).toBe('pkcs7-mime')
        if (parsed.kind === 'pkcs7-mime') expect(parsed.der.equals(der)).toBe(true)
      }
    },
  )

  it.each([
    [57 * 1024 * 2 + 5, [0, 1, 57 * 1024 - 1, 57 * 1024 + 3]],
    [57 * 1024 * 3, [57 * 1024, 57 * 1024 * 2]],
    [200_001, [0, 0, 7, 199_999]],
  ])(
    'when %i bytes of DER come in pieces split at %j, then the body equals the one from the joined bytes',
    (size, splits) => {
      const der = randomBytes(size)
      const cuts = [...splits, size]
      const pieces = cuts.map((end, i) => der.subarray(i === 0 ? 0 : (cuts[i - 1] as number), end))
      expect(Buffer.concat(pieces).equals(der)).toBe(true)
      const fromPieces = wrapPkcs7Mime(pieces, 'enveloped-data')
      expect(fromPieces.equals(wrapPkcs7Mime(der, 'enveloped-data'))).toBe(true)
      const text = fromPieces.toString('latin1')
      expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe(referenceLines(der))
    },
  )

  describe('reading a base64 body of many lines', () => {
    const der = randomBytes(200_003)
    const base64 = der.toString('base64')
    const linesOf = (width: number, eol = '\r\n') =>
      (base64.match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol) + eol
    const head =
      'Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\n' +
      'Content-Transfer-Encoding: base64\r\n\r\n'
    const read = (body: string) => {
      const parsed = parseSmimeEntity(Buffer.from(head + body, 'latin1'))
      if (parsed.kind !== 'pkcs7-mime') throw new Error(parsed.kind)
      return parsed.der
    }
    const middle = (text: string, insert: string) =>
      text.slice(0, text.length / 2) + insert + text.slice(text.length / 2)

    it('when a character inside a regular line is not base64, then it is ignored as RFC 2045 says, like the plain decoder does', () => {
      const body = linesOf(76)
      const at = body.length / 2 - ((body.length / 2) % 78) + 10
      const damaged = `${body.slice(0, at)}!${body.slice(at + 1)}`
      expect(damaged.length).toBe(body.length)
      const decoded = read(damaged)
      expect(decoded.equals(Buffer.from(damaged, 'base64'))).toBe(true)
      expect(decoded.equals(der)).toBe(false)
    })

    it.each([
      ['76-character CRLF lines (Brücke)', linesOf(76)],
      ['64-character CRLF lines (OpenSSL, gpgsm)', linesOf(64)],
      ['LF-only lines', linesOf(76, '\n')],
      ['lines of 74 characters (not whole groups)', linesOf(74)],
      ['a space inside a line', middle(linesOf(76), ' ')],
      ['a stray non-alphabet character', middle(linesOf(76), '!')],
      ['an empty line in the middle', linesOf(76).replace('\r\n', '\r\n\r\n')],
      ['one short line in the middle', linesOf(76).replace(/\r\n(.{4})/, '\r\n$1\r\n')],
    ])('when the body has %s, then it decodes to the DER (RFC 2045 §6.8)', (_label, body) => {
      expect(read(body).equals(der)).toBe(true)
    })
  })
})
