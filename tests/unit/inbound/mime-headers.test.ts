import { describe, expect, it } from 'vitest'
import { inboundRefusalReasons, smtpReplyFor } from '../../../gateway/inbound/inbound-refusal.ts'
import { readHeaderFields, valuesOf } from '../../../gateway/inbound/mime-headers.ts'

describe('reading the header block of a MIME entity', () => {
  it('when a header is folded with its value on the next line (as nodemailer writes long ones), then the value is unfolded without leading space', () => {
    const fields = readHeaderFields(
      Buffer.from('X-Brucke-Consent-Text-Sha256:\r\n abcdef\r\nX-A: one\r\n two\r\n\r\nbody'),
    )
    expect(valuesOf(fields ?? [], 'x-brucke-consent-text-sha256')).toEqual(['abcdef'])
    expect(valuesOf(fields ?? [], 'X-A')).toEqual(['one two'])
  })

  it('when a header appears twice, then both values are returned in order', () => {
    const fields = readHeaderFields(Buffer.from('X-B: 1\nX-B: 2\n\n'))
    expect(valuesOf(fields ?? [], 'x-b')).toEqual(['1', '2'])
  })

  it('when there is no empty line, a line without a colon, or a continuation first, then there is no header block', () => {
    expect(readHeaderFields(Buffer.from('X-A: 1\r\nX-B: 2'))).toBeUndefined()
    expect(readHeaderFields(Buffer.from('no colon here\r\n\r\n'))).toBeUndefined()
    expect(readHeaderFields(Buffer.from(' folded first\r\n\r\n'))).toBeUndefined()
  })
})

describe('SMTP replies of inbound refusals', () => {
  it('when any refusal is answered, then the reply is permanent (5xx), has an enhanced code and names the reason', () => {
    for (const reason of inboundRefusalReasons) {
      const { code, text } = smtpReplyFor(reason)
      expect(code).toBeGreaterThanOrEqual(550)
      expect(code).toBeLessThan(600)
      expect(text).toMatch(/^5\.\d\.\d+ /)
      expect(text).toContain(`(${reason})`)
    }
  })
})
