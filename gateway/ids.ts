import { randomBytes } from 'node:crypto'
import type { IdSource } from './deps.ts'

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'

/** 20 random Crockford-base32 characters (100 bits) after a prefix. */
export const randomIds: IdSource = {
  newId(prefix: string): string {
    const bytes = randomBytes(20)
    let out = ''
    for (const byte of bytes) out += alphabet[byte & 31]
    return `${prefix}_${out}`
  },
}
