/** HTTP status for each error code of the crypto area (see error-status.ts). */
export const cryptoErrorStatus: Record<string, number> = {}
