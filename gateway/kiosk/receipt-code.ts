import { createHmac, hkdfSync, randomInt } from 'node:crypto'
import { kioskCodeAlphabet } from '../consent/kiosk-code.ts'

/** 12 characters from a 26-letter alphabet without look-alikes: about 56 bits. */
const receiptCodeLength = 12

/** A new personal receipt code, grouped for reading aloud: `ACDE-FGHJ-KMNP`. */
export function newReceiptCode(): string {
  let code = ''
  for (let i = 0; i < receiptCodeLength; i++)
    code += kioskCodeAlphabet[randomInt(kioskCodeAlphabet.length)]
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`
}

/** Upper-cases and drops spaces and dashes, so a code typed from paper is read as printed. */
export function normaliseReceiptCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '')
}

export const receiptCodePattern = new RegExp(`^[${kioskCodeAlphabet}]{${receiptCodeLength}}$`)

/**
 * The receipt code is stored only as a keyed hash (HMAC-SHA-256 under a key derived from the
 * master key), so a copy of the database does not open anyone's self-service page.
 */
export function hashReceiptCode(code: string, masterKey: Buffer): string {
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'brucke receipt v1', 32))
  return createHmac('sha256', key).update(normaliseReceiptCode(code), 'utf8').digest('hex')
}
