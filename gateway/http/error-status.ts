import { ZodError } from 'zod'
import { accountErrorStatus } from './account-error-status.ts'
import { ApiError, apiErrorStatus } from './api-error.ts'
import { auditErrorStatus } from './audit-error-status.ts'
import { consentErrorStatus } from './consent-error-status.ts'
import { cryptoErrorStatus } from './crypto-error-status.ts'
import { kioskErrorStatus } from './kiosk-error-status.ts'
import { relayErrorStatus } from './relay-error-status.ts'

/**
 * Domain error codes (ERR_<AREA>_<WHAT>) and the HTTP status each maps to. Each area adds its
 * closed union here with `satisfies Record<AreaErrorCode, number>`, so a new code without a
 * status does not compile.
 */
export const domainErrorStatus: Record<string, number> = {
  ...consentErrorStatus,
  ...cryptoErrorStatus,
  ...relayErrorStatus,
  ...auditErrorStatus,
  ...kioskErrorStatus,
  ...accountErrorStatus,
}

export interface HttpFailure {
  status: number
  code: string
  message: string
  details?: Record<string, unknown>
}

interface CodedError {
  code: string
  message: string
  details?: unknown
}

function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && typeof (error as Partial<CodedError>).code === 'string'
}

export interface ValidationIssue {
  path: string
  code: string
  message: string
  /** The stable reason of a custom rule (e.g. a person name's `bidi_control`), when it gives one. */
  reason?: string
}

/** The zod issues as the error body lists them: dotted path, zod code, message, rule reason. */
export function validationIssues(
  issues: readonly {
    path: readonly PropertyKey[]
    message: string
    code: string
    params?: Record<string, unknown>
  }[],
): ValidationIssue[] {
  return issues.map((issue) => {
    const reason = issue.params?.reason
    return {
      path: issue.path.map(String).join('.'),
      code: issue.code,
      message: issue.message,
      ...(typeof reason === 'string' ? { reason } : {}),
    }
  })
}

/** Maps a thrown error to the response; anything unknown is a 500 that says nothing more. */
export function toHttpFailure(error: unknown): HttpFailure | undefined {
  if (error instanceof ApiError) {
    return {
      status: apiErrorStatus[error.code],
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    }
  }
  if (error instanceof ZodError) {
    return {
      status: 400,
      code: 'validation_failed',
      message: 'The input is not valid.',
      details: { issues: validationIssues(error.issues) },
    }
  }
  if (isCodedError(error)) {
    const status = domainErrorStatus[error.code]
    if (status !== undefined) {
      const details =
        typeof error.details === 'object' && error.details !== null
          ? (error.details as Record<string, unknown>)
          : undefined
      return { status, code: error.code, message: error.message, ...(details ? { details } : {}) }
    }
  }
  return undefined
}
