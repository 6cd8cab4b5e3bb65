import { describe, expect, it } from 'vitest'
import {
  canonicalizeMimeEntity,
  canonicalMimeView,
  parseSmimeEntity,
  wrapMultipartSigned,
} from '../../../crypto/smime-message.ts'

const entity = Buffer.from('Content-Type: text/plain\r\n\r\nHallo Jugendamt\r\n', 'latin1')

describe('S/MIME parsing without needless copies', () => {
  it('when an entity is already canonical, then the view shares its bytes but canonicalizeMimeEntity copies', () => {
    expect(canonicalMimeView(entity).buffer).toBe(entity.buffer)
    const copy = canonicalizeMimeEntity(entity)
    expect(copy.equals(entity)).toBe(true)
    expect(copy.buffer === entity.buffer && copy.byteOffset === entity.byteOffset).toBe(false)
    expect(canonicalMimeView(Buffer.from('a\nb')).toString()).toBe('a\r\nb')
  })

  it('when the parsed message buffer is overwritten afterwards, then the parsed parts keep their bytes', () => {
    const message = wrapMultipartSigned(entity, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))
    const parsed = parseSmimeEntity(message)
    message.fill(0)
    expect(parsed.kind).toBe('multipart-signed')
    if (parsed.kind !== 'multipart-signed') return
    expect(parsed.signedContent.equals(entity)).toBe(true)
    expect(parsed.signatureDer.equals(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]))).toBe(true)

    const binary = Buffer.from(
      'Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n' +
        'Content-Transfer-Encoding: binary\r\n\r\n' +
        'DER',
      'latin1',
    )
    const pkcs7 = parseSmimeEntity(binary)
    binary.fill(0)
    expect(pkcs7.kind === 'pkcs7-mime' && pkcs7.der.toString('latin1')).toBe('DER')
  })
})
