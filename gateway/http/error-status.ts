import { ZodError } from 'zod'
import type { AccountErrorCode } from '../../accounts/account-error.ts'
import type { AuditErrorCode } from '../../audit/audit-error.ts'
import type { CanonicalJsonErrorCode } from '../../audit/canonical-json.ts'
import type { ConsentErrorCode } from '../../consent/errors.ts'
import type { AuditStoreErrorCode } from '../../db/audit-repository.ts'
import { classifyDatabaseFailure } from '../../db/database-failure.ts'
import { isCodedError } from '../../errors/coded-error.ts'
import type { InboxErrorCode } from '../inbox/inbox-error.ts'
import type { ComposerDraftErrorCode } from '../staff/composer-draft-error.ts'
import type { KioskErrorCode } from '../kiosk/kiosk-error.ts'
import type { IngressStartErrorCode } from '../relay/ingress-start-error.ts'
import type { RelayErrorCode } from '../relay/relay-error.ts'
import { accountErrorStatus } from './account-error-status.ts'
import { apiErrorStatus, type ApiErrorCode } from './api-error.ts'
import { auditErrorStatus } from './audit-error-status.ts'
import { composerDraftErrorStatus } from './composer-draft-error-status.ts'
import { consentErrorStatus } from './consent-error-status.ts'
import { databaseFailureAnswer } from './database-failure-status.ts'
import { cryptoErrorStatus, type CryptoErrorCode } from './crypto-error-status.ts'
import { inboxErrorStatus } from './inbox-error-status.ts'
import { kioskErrorStatus } from './kiosk-error-status.ts'
import { relayErrorStatus } from './relay-error-status.ts'

/** Every code of every domain error family (`ERR_<AREA>_<WHAT>`, plus `transfer_denied`). */
export type DomainErrorCode =
  | ConsentErrorCode
  | CryptoErrorCode
  | RelayErrorCode
  | IngressStartErrorCode
  | AuditErrorCode
  | AuditStoreErrorCode
  | CanonicalJsonErrorCode
  | KioskErrorCode
  | AccountErrorCode
  | InboxErrorCode
  | ComposerDraftErrorCode

/**
 * Domain error codes and the HTTP status each maps to. Each area keeps its table beside it
 * (`<area>-error-status.ts`, typed against its own union); this one is typed against the union
 * of all, so a new code without a status does not compile.
 */
export const domainErrorStatus = {
  ...consentErrorStatus,
  ...cryptoErrorStatus,
  ...relayErrorStatus,
  ...auditErrorStatus,
  ...kioskErrorStatus,
  ...accountErrorStatus,
  ...inboxErrorStatus,
  ...composerDraftErrorStatus,
} as const satisfies Record<DomainErrorCode, number>

/** Every code an error body can carry: the HTTP layer's own and the domain's. */
export type ErrorCode = ApiErrorCode | DomainErrorCode

const errorStatus: Readonly<Record<ErrorCode, number>> = { ...apiErrorStatus, ...domainErrorStatus }

/** The status of a code, or undefined for a string that is no code of ours. */
export function statusOfCode(code: string): number | undefined {
  // Own keys only: a code such as `constructor` must not match the object's prototype.
  return Object.hasOwn(errorStatus, code) ? errorStatus[code as ErrorCode] : undefined
}

export interface HttpFailure {
  status: number
  code: string
  message: string
  details?: Record<string, unknown>
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

/**
 * Maps a thrown error to the response. A failure of the database itself (unreachable,
 * restarting, disk full — `db/database-failure.ts`) is 503 `database_unavailable` or 507
 * `storage_full`, also when it is the cause of a server fault. A code whose status is 500 is a
 * server fault, and anything unknown too: both give undefined, so the caller answers "internal
 * error" with the request id and logs the cause.
 */
export function toHttpFailure(error: unknown): HttpFailure | undefined {
  if (error instanceof ZodError) {
    return {
      status: 400,
      code: 'validation_failed',
      message: 'The input is not valid.',
      details: { issues: validationIssues(error.issues) },
    }
  }
  const status = isCodedError(error) ? statusOfCode(error.code) : undefined
  if (!isCodedError(error) || status === undefined || status === 500) {
    const databaseFailure = classifyDatabaseFailure(error)
    return databaseFailure ? databaseFailureAnswer(databaseFailure) : undefined
  }
  return {
    status,
    code: error.code,
    message: error.message,
    ...(error.details ? { details: error.details } : {}),
  }
}
