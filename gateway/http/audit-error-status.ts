/** HTTP status for each error code of the audit area (see error-status.ts). */
export const auditErrorStatus: Record<string, number> = {}
