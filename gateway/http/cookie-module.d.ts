// The part of the `cookie` package (0.7, the version express 5 brings) that cookies.ts uses.
// That version ships no types and @types/cookie is not installed; declaring only what we call
// keeps the port narrow.
declare module 'cookie' {
  export interface ParseOptions {
    /** Turns a raw value into the value; a throw keeps the raw value. */
    decode?: (value: string) => string
  }
  export interface SerializeOptions {
    maxAge?: number
    path?: string
    httpOnly?: boolean
    secure?: boolean
    sameSite?: 'strict' | 'lax' | 'none'
  }
  /** The cookies of a `Cookie` header by name; the first of equal names wins. */
  export function parse(header: string, options?: ParseOptions): Record<string, string>
  /** A `Set-Cookie` value; throws a TypeError on a name, value or path it cannot carry. */
  export function serialize(name: string, value: string, options?: SerializeOptions): string
}
