import { describe, expect, it } from 'vitest'
import {
  canonicalizeMimeEntity,
  parseContentType,
  parseSmimeEntity,
  wrapMultipartSigned,
  wrapPkcs7Mime,
} from '../../../crypto/smime-message.ts'

describe('smime-message', () => {
  it('canonicalises bare LF and CR to CRLF and keeps CRLF', () => {
    expect(canonicalizeMimeEntity(Buffer.from('a\nb\r\nc\rd')).toString()).toBe('a\r\nb\r\nc\r\nd')
  })

  it('parses quoted, unquoted and escaped Content-Type parameters case-insensitively', () => {
    const parsed = parseContentType(
      'Multipart/Signed; Protocol="application/pkcs7-signature"; micalg=SHA-256; boundary="a\\"b; c"',
    )
    expect(parsed.type).toBe('multipart/signed')
    expect(parsed.parameters.get('protocol')).toBe('application/pkcs7-signature')
    expect(parsed.parameters.get('micalg')).toBe('SHA-256')
    expect(parsed.parameters.get('boundary')).toBe('a"b; c')
  })

  it('round-trips pkcs7-mime with base64 lines of at most 76 characters', () => {
    const der = Buffer.alloc(500, 7)
    const entity = wrapPkcs7Mime(der, 'authEnveloped-data')
    for (const line of entity.toString('latin1').split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(100)
    }
    expect(parseSmimeEntity(entity)).toEqual({
      kind: 'pkcs7-mime',
      smimeType: 'authEnveloped-data',
      der,
    })
  })

  it('returns the signed part of multipart/signed byte for byte, without the CRLF before the boundary', () => {
    const signed = Buffer.from('Content-Type: text/plain\r\n\r\nline one\r\nline two\r\n')
    const entity = wrapMultipartSigned(signed, Buffer.from([0x30, 0x00]))
    const parsed = parseSmimeEntity(entity)
    expect(parsed).toMatchObject({ kind: 'multipart-signed', micalg: 'sha-256' })
    if (parsed.kind !== 'multipart-signed') return
    expect(parsed.signedContent.equals(signed)).toBe(true)
    expect(parsed.signatureDer.equals(Buffer.from([0x30, 0x00]))).toBe(true)
  })

  describe('finding the parts of multipart/signed', () => {
    const head =
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=x\r\n\r\n'
    const signature =
      'Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nMAA=\r\n'
    const parse = (body: string) => {
      const parsed = parseSmimeEntity(Buffer.from(head + body))
      if (parsed.kind !== 'multipart-signed') throw new Error(parsed.kind)
      return { signed: parsed.signedContent.toString(), signature: parsed.signatureDer }
    }

    it.each([
      ['a closing delimiter', `--x\r\nsigned\r\n--x\r\n${signature}--x--\r\n`],
      [
        'an epilogue after the closing delimiter',
        `--x\r\nsigned\r\n--x\r\n${signature}--x--\r\nbye\r\n`,
      ],
      [
        'no closing delimiter (found from the front)',
        `--x\r\nsigned\r\n--x\r\n${signature}--x\r\n`,
      ],
      ['a preamble', `preamble\r\n--x\r\nsigned\r\n--x\r\n${signature}--x--\r\n`],
    ])(
      'when the body has %s, then the signed part and the signature are the right bytes',
      (_l, body) => {
        expect(parse(body)).toEqual({ signed: 'signed', signature: Buffer.from([0x30, 0x00]) })
      },
    )

    it('when a third part sits between, then it stays inside the signed content (so the signature check fails) and is never taken for the signature', () => {
      const body = `--x\r\nsigned\r\n--x\r\nContent-Type: text/plain\r\n\r\nsmuggled\r\n--x\r\n${signature}--x--\r\n`
      const parsed = parse(body)
      expect(parsed.signed).toBe('signed\r\n--x\r\nContent-Type: text/plain\r\n\r\nsmuggled')
      expect(parsed.signature.equals(Buffer.from([0x30, 0x00]))).toBe(true)
    })
  })

  it('names malformed multipart/signed precisely', () => {
    const head =
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary=x\r\n\r\n'
    for (const body of [
      '',
      '--x\r\nContent-Type: text/plain\r\n\r\nhi',
      '--x\r\n\r\nhi\r\n--x\r\nContent-Type: text/plain\r\n\r\nAA==\r\n--x--\r\n',
    ]) {
      expect(() => parseSmimeEntity(Buffer.from(head + body))).toThrow(
        expect.objectContaining({ code: 'ERR_CMS_MIME_MALFORMED' }),
      )
    }
    expect(() =>
      parseSmimeEntity(
        Buffer.from(
          'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary=x\r\n\r\n',
        ),
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_CMS_MIME_MALFORMED' }))
  })

  it('reports other content types as such', () => {
    expect(parseSmimeEntity(Buffer.from('Content-Type: text/html\r\n\r\n<p>x</p>'))).toEqual({
      kind: 'other',
      contentType: 'text/html',
    })
  })
})
