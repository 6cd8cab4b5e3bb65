/** HTTP status for each error code of the relay area (see error-status.ts). */
export const relayErrorStatus: Record<string, number> = {}
