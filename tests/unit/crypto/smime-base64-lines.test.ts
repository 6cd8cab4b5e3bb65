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
})
