import { derPrimitiveBytes, derSequence } from './cms-tlv.ts'
import { CmsError } from './errors.ts'

/**
 * Turns an ECDSA signature in the PKCS#11 form — r || s, each as long as the curve's order
 * (PKCS#11 v2.40 §2.3.1) — into the DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`
 * that CMS carries (RFC 5753 §2.1.1, RFC 3279 §2.2.3).
 */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new CmsError('ERR_CMS_INVALID_INPUT', 'an ECDSA signature r || s has even length', {
      details: { bytes: raw.length },
    })
  }
  const half = raw.length / 2
  return derSequence([
    derInteger(Buffer.from(raw.subarray(0, half))),
    derInteger(Buffer.from(raw.subarray(half))),
  ])
}

/** A non-negative INTEGER: leading zeros dropped, one 0x00 put back when the top bit is set. */
function derInteger(unsigned: Buffer): Buffer {
  let start = 0
  while (start < unsigned.length - 1 && unsigned[start] === 0) start += 1
  const trimmed = unsigned.subarray(start)
  const value =
    ((trimmed[0] ?? 0) & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed
  return derPrimitiveBytes(0x02, value)
}
