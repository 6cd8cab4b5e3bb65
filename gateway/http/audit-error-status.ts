import type { AuditErrorCode } from '../../audit/audit-error.ts'
import type { CanonicalJsonErrorCode } from '../../audit/canonical-json.ts'
import type { AuditStoreErrorCode } from '../../db/audit-repository.ts'

/** HTTP status for each error code of the audit area (see error-status.ts). */
export const auditErrorStatus = {
  ERR_AUDIT_ENTRY_NOT_FOUND: 404,
  ERR_AUDIT_NO_CHECKPOINT: 409,
  ERR_AUDIT_NOT_YET_CHECKPOINTED: 409,
  ERR_AUDIT_CHECKPOINT_NOT_FOUND: 404,
  ERR_AUDIT_BAD_RANGE: 400,
  ERR_AUDIT_CHAIN_BROKEN: 409,
  ERR_AUDIT_PROOF_MALFORMED: 400,
  ERR_AUDIT_NOT_IN_SCOPE: 404,
  ERR_AUDIT_REIDENTIFY_UNAVAILABLE: 501,
  // A damaged log or an event that is not JSON is the server's fault: "internal error", logged.
  ERR_AUDIT_HEAD_MISSING: 500,
  ERR_AUDIT_ENTRY_UNREADABLE: 500,
  ERR_AUDIT_CANONICAL_JSON: 500,
} as const satisfies Record<AuditErrorCode | AuditStoreErrorCode | CanonicalJsonErrorCode, number>
