import { CodedError, type CodedErrorOptions } from '../../errors/coded-error.ts'

/**
 * The error codes of the REST API and their HTTP status, in exactly one table. A code without a
 * status does not compile. Areas add their codes here.
 */
export const apiErrorStatus = {
  malformed_json: 400,
  bad_path: 400,
  validation_failed: 400,
  unauthenticated: 401,
  token_expired: 401,
  token_invalid: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  route_not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  idempotency_key_reused: 422,
  unsupported_media_type: 415,
  too_many_requests: 429,
  internal_error: 500,
  /** The database cannot be reached or is restarting; with `Retry-After`. */
  database_unavailable: 503,
  /** The disk under the database is full; nothing was stored. */
  storage_full: 507,
} as const satisfies Record<string, number>

export type ApiErrorCode = keyof typeof apiErrorStatus

/** A refusal of the HTTP layer itself (authentication, validation, limits), with its status. */
export class ApiError extends CodedError<ApiErrorCode> {
  readonly status: number
  constructor(
    code: ApiErrorCode,
    message: string,
    options?: CodedErrorOptions<Record<string, unknown>>,
  ) {
    super(code, message, options)
    this.status = apiErrorStatus[code]
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

export function errorBody(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ErrorBody {
  return { error: { code, message, ...(details ? { details } : {}) } }
}
