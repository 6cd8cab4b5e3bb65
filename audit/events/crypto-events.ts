/** Audit events of the crypto area (filled in by the crypto issue). */
export const cryptoEventSchemas = [] as const
