/** Audit events of the audit area (filled in by the audit issue). */
export const auditEventSchemas = [] as const
