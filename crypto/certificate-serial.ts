import { randomBytes } from 'node:crypto'
import { CertificateError } from './errors.ts'

/** RFC 5280 §4.1.2.2: a positive integer of at most 20 octets. */
const maxSerialOctets = 20

/** A fresh random positive serial number of 127 bits (RFC 5280 §4.1.2.2; CA/B BR asks ≥ 64 bits). */
export function randomSerialNumber(): bigint {
  const bytes = randomBytes(16)
  // Clear the sign bit and keep the top byte non-zero, so the DER INTEGER has exactly 16 octets.
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40
  return BigInt(`0x${bytes.toString('hex')}`)
}

/** DER INTEGER contents (two's complement, minimal) of a positive serial number. */
export function encodeSerialNumber(serial: bigint): ArrayBuffer {
  if (serial <= 0n) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'serial number must be positive')
  }
  let hex = serial.toString(16)
  if (hex.length % 2 === 1) hex = `0${hex}`
  if (Number.parseInt(hex.slice(0, 2), 16) >= 0x80) hex = `00${hex}`
  if (hex.length / 2 > maxSerialOctets) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'serial number longer than 20 octets')
  }
  const bytes = Buffer.from(hex, 'hex')
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
}

/** Reads DER INTEGER contents as a serial number (negative serials from broken CAs stay negative). */
export function decodeSerialNumber(contents: ArrayBuffer | Uint8Array): bigint {
  const bytes = contents instanceof Uint8Array ? contents : new Uint8Array(contents)
  if (bytes.length === 0) return 0n
  const unsigned = BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
  const negative = ((bytes[0] ?? 0) & 0x80) !== 0
  return negative ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned
}

/** Upper-case hex without leading zeros, as `openssl x509 -serial` prints it (even length). */
export function formatSerialNumber(serial: bigint): string {
  const hex = serial.toString(16).toUpperCase()
  return hex.length % 2 === 1 ? `0${hex}` : hex
}
