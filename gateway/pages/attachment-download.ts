import { z } from 'zod'
import type { InboxAttachment } from '../inbox/read-inbox-message.ts'
import type { StaffCtx } from './staff-page-frame.ts'

const attachmentIndexSchema = z.coerce.number().int().min(0).max(100)

/** The `:index` of an attachment path; a malformed one points past every attachment (not found). */
export function attachmentIndexOf(ctx: StaffCtx): number {
  const parsed = attachmentIndexSchema.safeParse(ctx.params.index)
  return parsed.success ? parsed.data : 101
}

/**
 * An attachment as a page answer: always a download, never shown inline — a PDF as PDF, anything
 * else as octet-stream, since what a message carries is not trusted to be what it says.
 */
export function attachmentDownload(attachment: InboxAttachment): {
  file: Buffer
  contentType: string
  filename: string
} {
  return {
    file: attachment.content,
    contentType:
      attachment.contentType === 'application/pdf' ? 'application/pdf' : 'application/octet-stream',
    filename: attachment.filename,
  }
}
