/** Audit events of the relay area (filled in by the relay issue). */
export const relayEventSchemas = [] as const
