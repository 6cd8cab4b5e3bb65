import { describe, expect, it } from 'vitest'
import { pdfSignaturePlaceholder, signPdf } from '../../../crypto/pdf-sign.ts'
import { createTestPki } from '../../support/test-pki.ts'

/** The PAdES placeholder filling (crypto/pdf-sign.ts), on bytes laid out as pdfkit writes them. */

const pki = await createTestPki()
const signer = { key: pki.rsa.privateKey, certificate: pki.rsa.certificateDer }
const { byteRange, contentsBytes } = pdfSignaturePlaceholder
const contents = `<${'0'.repeat(contentsBytes * 2)}>`
const pdfWith = (dictionary: string) =>
  Buffer.from(`%PDF-1.7\n1 0 obj\n${dictionary}\nendobj\ntrailer\n%%EOF\n`, 'latin1')
const placeholder = `<<\n/Type /Sig\n/ByteRange ${byteRange}\n/Contents ${contents}\n>>`

describe('signPdf', () => {
  it('when a PDF holds the placeholder, then only its two holes change: the byte range and the CMS', () => {
    const pdf = pdfWith(placeholder)
    const signed = signPdf({ pdf, signer, at: pki.at })
    expect(signed.length).toBe(pdf.length)
    const text = signed.toString('latin1')
    const range = /\/ByteRange (\[0 (\d+) (\d+) (\d+) *\])/.exec(text)
    expect(range?.[1]?.length).toBe(byteRange.length)
    const [start, end, rest] = (range?.slice(2) ?? []).map(Number) as [number, number, number]
    expect(text[start]).toBe('<')
    expect(text[end - 1]).toBe('>')
    expect(end + rest).toBe(signed.length)
    // Outside the two holes every byte is as written.
    const rangeAt = text.indexOf('/ByteRange ') + '/ByteRange '.length
    expect(signed.subarray(0, rangeAt)).toEqual(pdf.subarray(0, rangeAt))
    expect(signed.subarray(rangeAt + byteRange.length, start)).toEqual(
      pdf.subarray(rangeAt + byteRange.length, start),
    )
    expect(signed.subarray(end)).toEqual(pdf.subarray(end))
    expect(signed.subarray(start + 1, start + 3).toString('latin1')).toBe('30')
  })

  it('when the placeholder is missing, doubled or too small, then nothing is signed', () => {
    for (const pdf of [
      pdfWith('<< /Type /Sig >>'),
      pdfWith(`${placeholder}\n${placeholder}`),
      pdfWith(`<<\n/ByteRange ${byteRange}\n>>`),
      pdfWith(`<<\n/ByteRange ${byteRange}\n/Contents <${'0'.repeat(64)}>\n>>`),
      pdfWith(placeholder.replace('<0000', '<0100')),
    ])
      expect(() => signPdf({ pdf, signer, at: pki.at })).toThrow(
        expect.objectContaining({ code: 'ERR_CMS_INVALID_INPUT' }),
      )
  })
})
