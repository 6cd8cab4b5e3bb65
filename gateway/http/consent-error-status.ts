/** HTTP status for each error code of the consent area (see error-status.ts). */
export const consentErrorStatus: Record<string, number> = {}
