import { CodedError } from '../errors/coded-error.ts'

/** The closed set of audit error codes (STYLE.md: one small family per area). */
export const auditErrorCodes = [
  'ERR_AUDIT_ENTRY_NOT_FOUND',
  'ERR_AUDIT_NO_CHECKPOINT',
  'ERR_AUDIT_NOT_YET_CHECKPOINTED',
  'ERR_AUDIT_CHECKPOINT_NOT_FOUND',
  'ERR_AUDIT_BAD_RANGE',
  'ERR_AUDIT_CHAIN_BROKEN',
  'ERR_AUDIT_PROOF_MALFORMED',
  'ERR_AUDIT_NOT_IN_SCOPE',
  'ERR_AUDIT_REIDENTIFY_UNAVAILABLE',
] as const
export type AuditErrorCode = (typeof auditErrorCodes)[number]

export class AuditError extends CodedError<AuditErrorCode> {}
