/** Audit events of the consent area (filled in by the consent issue). */
export const consentEventSchemas = [] as const
