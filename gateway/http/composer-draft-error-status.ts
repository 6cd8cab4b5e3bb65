import type { ComposerDraftErrorCode } from '../staff/composer-draft-error.ts'

/** HTTP status for each error code of composer drafts (see error-status.ts). */
export const composerDraftErrorStatus = {
  ERR_DRAFT_NOT_FOUND: 404,
  // The gateway's key or the stored record is broken: a server fault, logged with its cause.
  ERR_DRAFT_UNREADABLE: 500,
} as const satisfies Record<ComposerDraftErrorCode, number>
