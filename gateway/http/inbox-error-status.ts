import type { InboxErrorCode } from '../inbox/inbox-error.ts'

/** HTTP status for each error code of the inbox (see error-status.ts). */
export const inboxErrorStatus = {
  ERR_INBOX_ITEM_NOT_FOUND: 404,
  ERR_INBOX_CONTENT_GONE: 410,
  // The agency's key or the stored message is broken: a server fault, logged with its cause.
  ERR_INBOX_CONTENT_UNREADABLE: 500,
} as const satisfies Record<InboxErrorCode, number>
