import { z } from 'zod'
import { vocabulary } from '../../config/vocabulary.ts'
import { inboxItemView } from '../../templates/pages/staff/inbox-item-view.ts'
import { inboxView } from '../../templates/pages/staff/inbox-view.ts'
import { say } from '../../templates/pages/view-models/staff-language.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import { inboxCopyPdf } from '../inbox/inbox-copy-pdf.ts'
import {
  acknowledgeInbox,
  inboxCallerOf,
  inboxPageSize,
  listInbox,
  openInboxAttachment,
  openInboxItem,
} from '../inbox/inbox-service.ts'
import { staffLanguageOf } from '../staff/staff-language-cookie.ts'
import { whoOf } from './home-pages.ts'
import { attachmentDownload, attachmentIndexOf } from './attachment-download.ts'
import { staffPageFrame, type StaffCtx } from './staff-page-frame.ts'

const itemIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)
const offsetSchema = z.coerce.number().int().min(0).max(1_000_000)

/** The item id of the path; a malformed one is as absent as another agency's item. */
const idOf = (ctx: StaffCtx): string => {
  const parsed = itemIdSchema.safeParse(ctx.params.id)
  return parsed.success ? parsed.data : 'inb_invalid'
}

export const staffInboxPage = pageRoute({
  method: 'get',
  path: '/staff/inbox',
  access: ['staff'],
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const parsedOffset = offsetSchema.safeParse(ctx.query.offset)
    const offset = parsedOffset.success ? parsedOffset.data : 0
    const items = await listInbox(ctx.deps, {
      caller: inboxCallerOf(ctx.principal),
      limit: inboxPageSize + 1,
      offset,
    })
    return {
      html: await staffPageFrame(ctx.deps, ctx, {
        title: say(lang, 'Posteingang', 'Inbox'),
        current: 'inbox',
        here: '/staff/inbox',
        body: inboxView({
          language: lang,
          items: items.slice(0, inboxPageSize),
          vocabulary,
          previousOffset: offset > 0 ? Math.max(0, offset - inboxPageSize) : null,
          nextOffset: items.length > inboxPageSize ? offset + inboxPageSize : null,
        }),
      }),
    }
  },
})

export const staffInboxItemPage = pageRoute({
  method: 'get',
  path: '/staff/inbox/:id',
  access: ['staff'],
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const item = await openInboxItem(ctx.deps, {
      caller: inboxCallerOf(ctx.principal),
      id: idOf(ctx),
      via: 'page',
    })
    const who = await whoOf(ctx.deps, ctx.principal, ctx.req.headers.cookie)
    return {
      html: await staffPageFrame(ctx.deps, ctx, {
        title: say(lang, 'Posteingang', 'Inbox'),
        current: 'inbox',
        here: `/staff/inbox/${item.id}`,
        body: inboxItemView({ language: lang, item, vocabulary, csrfToken: who.csrfToken }),
      }),
    }
  },
})

export const staffInboxAcknowledgePage = pageRoute({
  method: 'post',
  path: '/staff/inbox/:id/acknowledgement',
  access: ['staff'],
  handle: async (ctx) => {
    const item = await acknowledgeInbox(ctx.deps, {
      caller: inboxCallerOf(ctx.principal),
      id: idOf(ctx),
    })
    return { redirect: `/staff/inbox/${item.id}` }
  },
})

/** The copy for the case file: made on request, in memory, never written to disk; audited. */
export const staffInboxCopyPage = pageRoute({
  method: 'get',
  path: '/staff/inbox/:id/copy.pdf',
  access: ['staff'],
  handle: async (ctx) => {
    const item = await openInboxItem(ctx.deps, {
      caller: inboxCallerOf(ctx.principal),
      id: idOf(ctx),
      via: 'pdf',
    })
    return {
      file: await inboxCopyPdf(item, ctx.deps.clock.now()),
      contentType: 'application/pdf',
      filename: `posteingang-${item.id}.pdf`,
    }
  },
})

/**
 * One attachment of a received case summary, as a download (never shown inline: a partner's
 * attachment is not trusted to be what it says); decrypted in memory, audited.
 */
export const staffInboxAttachmentPage = pageRoute({
  method: 'get',
  path: '/staff/inbox/:id/attachments/:index',
  access: ['staff'],
  handle: async (ctx) => {
    const attachment = await openInboxAttachment(ctx.deps, {
      caller: inboxCallerOf(ctx.principal),
      id: idOf(ctx),
      index: attachmentIndexOf(ctx),
    })
    return attachmentDownload(attachment)
  },
})

/** The receiving agency's inbox in the staff workplace (issue 16 points 5 and 6). */
export const staffInboxPageRoutes: AnyPageRoute[] = [
  staffInboxPage,
  staffInboxItemPage,
  staffInboxAcknowledgePage,
  staffInboxCopyPage,
  staffInboxAttachmentPage,
]
