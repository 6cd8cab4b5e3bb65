import { randomInt } from 'node:crypto'

/** Letters and digits that cannot be mistaken for one another (no 0/O, 1/I/L, 2/Z, 5/S, 8/B). */
export const kioskCodeAlphabet = 'ACDEFGHJKMNPQRTUVWXY34679'
export const kioskCodeLength = 8
/** How long a pickup code stays valid. */
export const kioskCodeTtlMs = 24 * 60 * 60 * 1000

export const kioskCodePattern = new RegExp(`^[${kioskCodeAlphabet}]{${kioskCodeLength}}$`)

/** A random pickup code for a draft (25^8, about 37 bits). */
export function newKioskCode(): string {
  let code = ''
  for (let i = 0; i < kioskCodeLength; i++)
    code += kioskCodeAlphabet[randomInt(kioskCodeAlphabet.length)]
  return code
}

/** Upper-cases and drops spaces and dashes, so "acd-efg hj" is read as typed on paper. */
export function normaliseKioskCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '')
}
