import type pkcs11js from 'pkcs11js'

/** What a key-operations object needs from the token: a session, re-opened when it broke. */
export interface TokenSession {
  readonly module: pkcs11js.PKCS11
  /**
   * Runs `operation` with the session and the handle of the private key labelled `label`; once
   * more on a fresh login when the token dropped the session.
   */
  run<T>(label: string, operation: (session: Buffer, key: Buffer) => T): T
}

/** The `CKR_…` name of a pkcs11js error, if it is one. */
export function resultCodeOf(error: unknown): string | undefined {
  return error instanceof Error ? /^CKR_\w+/.exec(error.message)?.[0] : undefined
}
