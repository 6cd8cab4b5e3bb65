import { inboxRefusalCodes } from '../../consent/inbox-permissions.ts'
import { CodedError } from '../../errors/coded-error.ts'

/**
 * Error codes of the inbox (issue 16 point 5). `ERR_INBOX_ITEM_NOT_FOUND` is the object rule's
 * refusal, the same for an item that does not exist and one that is not the caller's.
 */
export const inboxErrorCodes = [
  ...inboxRefusalCodes,
  /** Retention dropped the sealed message: only its metadata is left. */
  'ERR_INBOX_CONTENT_GONE',
  /** The stored message no longer opens with the agency's key, or no longer verifies. */
  'ERR_INBOX_CONTENT_UNREADABLE',
] as const
export type InboxErrorCode = (typeof inboxErrorCodes)[number]

/** An inbox failure with log-safe details (ids and codes, never content). */
export class InboxError extends CodedError<InboxErrorCode> {}
