/** What an error may carry besides its code and message. */
export interface CodedErrorOptions<Details> {
  /** The underlying failure (ES2022 `Error.cause`); logged, never shown to a caller. */
  cause?: unknown
  /** Log-safe context: identifiers, terms, counts — never personal data, content or keys. */
  details?: Details
}

/**
 * The base of every error family (`ConsentError`, `CmsError`, `RelayError`, …). A family fixes
 * `Code` to its closed union of `ERR_<AREA>_<WHAT>` codes, so a code outside the union does not
 * compile and each code maps to one HTTP status in one table (gateway/http/error-status.ts).
 * One constructor shape for all: `(code, message, { cause, details })`. `name` is the family's
 * class name, so logs and stack traces say which family failed.
 */
export class CodedError<
  Code extends string = string,
  Details extends object = Record<string, unknown>,
> extends Error {
  readonly code: Code
  readonly details: Details | undefined

  constructor(code: Code, message: string, options: CodedErrorOptions<Details> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.details = options.details
  }
}

/**
 * Whether `error` belongs to one of the families. Narrows to their common shape; a bare
 * `instanceof` on the generic class would give `CodedError<any, any>`.
 */
export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError
}
