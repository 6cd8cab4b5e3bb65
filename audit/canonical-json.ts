import { CodedError } from '../errors/coded-error.ts'

/** A JSON value as RFC 8785 accepts it (I-JSON: finite numbers, well-formed strings). */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/** The one code of {@link CanonicalJsonError}: the value is not I-JSON (a programming error). */
export const canonicalJsonErrorCodes = ['ERR_AUDIT_CANONICAL_JSON'] as const
export type CanonicalJsonErrorCode = (typeof canonicalJsonErrorCodes)[number]

export class CanonicalJsonError extends CodedError<CanonicalJsonErrorCode> {}

const loneSurrogate = /\p{Surrogate}/u

function serializeString(value: string): string {
  // RFC 8785 §3.2.2.2 requires I-JSON (RFC 7493 §2.1): strings must not hold lone surrogates.
  if (loneSurrogate.test(value))
    throw new CanonicalJsonError('ERR_AUDIT_CANONICAL_JSON', 'string holds a lone surrogate')
  return JSON.stringify(value)
}

function serialize(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null')
    return
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false')
      return
    case 'number':
      // RFC 8785 §3.2.2.3: ECMAScript Number serialization, which JSON.stringify implements;
      // NaN and ±Infinity are not JSON.
      if (!Number.isFinite(value))
        throw new CanonicalJsonError('ERR_AUDIT_CANONICAL_JSON', 'number is not finite')
      out.push(JSON.stringify(value))
      return
    case 'string':
      out.push(serializeString(value))
      return
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[')
        value.forEach((item, index) => {
          if (index > 0) out.push(',')
          serialize(item, out)
        })
        out.push(']')
        return
      }
      // RFC 8785 §3.2.3: members sorted by their names as arrays of UTF-16 code units, which is
      // exactly the default order of Array.prototype.sort on strings.
      const record = value as Record<string, unknown>
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
      out.push('{')
      keys.forEach((key, index) => {
        if (index > 0) out.push(',')
        out.push(serializeString(key), ':')
        serialize(record[key], out)
      })
      out.push('}')
      return
    }
    case 'bigint':
    case 'function':
    case 'symbol':
    case 'undefined':
      throw new CanonicalJsonError(
        'ERR_AUDIT_CANONICAL_JSON',
        `${typeof value} is not a JSON value`,
      )
  }
}

/**
 * The JSON Canonicalization Scheme (RFC 8785) text of a value: no whitespace, object members
 * sorted by UTF-16 code units, numbers and strings as ECMAScript serializes them. Members whose
 * value is `undefined` are left out, as `JSON.stringify` does.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = []
  serialize(value, out)
  return out.join('')
}
