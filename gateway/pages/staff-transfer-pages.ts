import { z } from 'zod'
import { vocabulary } from '../../config/vocabulary.ts'
import { transferView } from '../../templates/pages/staff/transfer-view.ts'
import { say } from '../../templates/pages/view-models/staff-language.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import {
  openSentAttachment,
  openSentTransfer,
  sentTransferCallerOf,
} from '../relay/sent-transfer.ts'
import { transferCopyPdf } from '../relay/transfer-copy-pdf.ts'
import { partnerReceiptTexts } from '../staff/partner-receipt-text.ts'
import { staffLanguageOf } from '../staff/staff-language-cookie.ts'
import { transferStatusTexts } from '../staff/transfer-status-text.ts'
import { attachmentDownload, attachmentIndexOf } from './attachment-download.ts'
import { staffPageFrame, type StaffCtx } from './staff-page-frame.ts'

const transferIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

/** The transfer id of the path; a malformed one is as absent as another agency's transfer. */
const idOf = (ctx: StaffCtx): string => {
  const parsed = transferIdSchema.safeParse(ctx.params.id)
  return parsed.success ? parsed.data : 'trf_invalid'
}

/**
 * A transfer the caller's agency sent (issue 18 point 2): its live status, and what was sent —
 * recipient, purpose, person, categories, necessity, sections, consent, history, the partner's
 * receipt — decrypted from the sender's sealed copy for this page only.
 */
export const staffTransferPage = pageRoute({
  method: 'get',
  path: '/staff/transfers/:id',
  access: ['staff'],
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const sent = await openSentTransfer(ctx.deps, {
      caller: sentTransferCallerOf(ctx.principal),
      id: idOf(ctx),
      via: 'page',
    })
    const transferId = sent.transfer.id
    return {
      html: await staffPageFrame(ctx.deps, ctx, {
        title: say(lang, 'Übermittlung', 'Transfer'),
        current: 'none',
        here: `/staff/transfers/${transferId}`,
        body: transferView({
          language: lang,
          transferId,
          statusTexts: transferStatusTexts(lang),
          receiptTexts: partnerReceiptTexts(lang),
          sent,
          vocabulary,
        }),
      }),
    }
  },
})

/** The Aktenvermerk: made on request, in memory, never written to disk; audited. */
export const staffTransferCopyPage = pageRoute({
  method: 'get',
  path: '/staff/transfers/:id/copy.pdf',
  access: ['staff'],
  handle: async (ctx) => {
    const sent = await openSentTransfer(ctx.deps, {
      caller: sentTransferCallerOf(ctx.principal),
      id: idOf(ctx),
      via: 'pdf',
    })
    return {
      file: await transferCopyPdf(sent, ctx.deps.clock.now()),
      contentType: 'application/pdf',
      filename: `aktenvermerk-${sent.transfer.id}.pdf`,
    }
  },
})

/** One attachment of what was sent, from the sealed copy: always a download; audited. */
export const staffTransferAttachmentPage = pageRoute({
  method: 'get',
  path: '/staff/transfers/:id/attachments/:index',
  access: ['staff'],
  handle: async (ctx) => {
    const attachment = await openSentAttachment(ctx.deps, {
      caller: sentTransferCallerOf(ctx.principal),
      id: idOf(ctx),
      index: attachmentIndexOf(ctx),
    })
    return attachmentDownload(attachment)
  },
})

/** What the sending agency sent, in the staff workplace. */
export const staffTransferPageRoutes: AnyPageRoute[] = [
  staffTransferPage,
  staffTransferCopyPage,
  staffTransferAttachmentPage,
]
