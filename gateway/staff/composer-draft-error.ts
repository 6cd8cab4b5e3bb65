import { composerDraftRefusalCodes } from '../../consent/composer-draft-permissions.ts'
import { CodedError } from '../../errors/coded-error.ts'

/**
 * Error codes of composer drafts (issue 18 point 3). `ERR_DRAFT_NOT_FOUND` is the object rule's
 * refusal, the same for a draft that does not exist and one that is not the caller's.
 */
export const composerDraftErrorCodes = [
  ...composerDraftRefusalCodes,
  /** The sealed content no longer opens with the gateway's key (master key changed, damage). */
  'ERR_DRAFT_UNREADABLE',
] as const
export type ComposerDraftErrorCode = (typeof composerDraftErrorCodes)[number]

/** A composer-draft failure with log-safe details (ids only, never content). */
export class ComposerDraftError extends CodedError<ComposerDraftErrorCode> {}
