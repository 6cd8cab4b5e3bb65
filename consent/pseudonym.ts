import { createHmac, hkdfSync } from 'node:crypto'
import type { CalendarDate } from './calendar.ts'

/** The HKDF info that separates the pseudonym key from every other key of the master secret. */
export const pseudonymKeyInfo = 'brucke pseudonym v1'

/** Derives the pseudonym key from the master secret with HKDF-SHA256 (RFC 5869). */
export function derivePseudonymKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), pseudonymKeyInfo, 32))
}

/**
 * A name as compared for identity: Unicode NFC, surrounding and repeated white space removed,
 * case folded (`ß` and `SS` become `ss`, so "Strauß" and "STRAUSS" are the same person).
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFC')
    .trim()
    .replace(/\s+/gu, ' ')
    .toUpperCase()
    .toLowerCase()
    .normalize('NFC')
}

export interface PseudonymSubject {
  givenName: string
  familyName: string
  birthDate: CalendarDate
}

/**
 * The subject's pseudonym (docs/design.md §3.1): HMAC-SHA256 (RFC 2104) under a secret key over the
 * normalised names and the birth date, truncated to 128 bits. Without the key it cannot be
 * recomputed from a name, so audit entries and logs carry it instead of the person.
 */
export function pseudonymOf(subject: PseudonymSubject, key: Buffer): string {
  if (key.length < 32) throw new RangeError('the pseudonym key must have at least 32 bytes')
  const message = JSON.stringify([
    normaliseName(subject.givenName),
    normaliseName(subject.familyName),
    subject.birthDate,
  ])
  return `psn_${createHmac('sha256', key).update(message, 'utf8').digest('hex').slice(0, 32)}`
}
