import { z } from 'zod'
import {
  acknowledgeInbox,
  inboxCallerOf,
  inboxItemDetailSchema,
  inboxItemSummarySchema,
  inboxPageSize,
  listInbox,
  openInboxAttachment,
  openInboxItem,
} from '../inbox/inbox-service.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

const idParams = z.strictObject({ id: z.string().min(1).max(64) })

export const listInboxRoute = apiRoute({
  method: 'get',
  path: '/inbox',
  summary:
    'Items partner gateways (or this instance) delivered to your agency — case summaries, revocation and lapse notices — newest first; metadata only',
  access: ['staff'],
  query: z.strictObject({
    limit: z.coerce.number().int().min(1).max(200).default(inboxPageSize),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  }),
  response: z.strictObject({
    items: z.array(inboxItemSummarySchema),
    limit: z.number().int(),
    offset: z.number().int(),
    /** The offset of the next page, or null on the last one. */
    nextOffset: z.number().int().nullable(),
  }),
  handle: async ({ deps, principal, query }) => {
    // One more than asked tells whether a next page exists without counting.
    const items = await listInbox(deps, {
      caller: inboxCallerOf(principal),
      limit: query.limit + 1,
      offset: query.offset,
    })
    return {
      items: items.slice(0, query.limit),
      limit: query.limit,
      offset: query.offset,
      nextOffset: items.length > query.limit ? query.offset + query.limit : null,
    }
  },
})

export const getInboxItemRoute = apiRoute({
  method: 'get',
  path: '/inbox/:id',
  summary:
    'Open one item of your inbox: decrypted with your agency key for this answer only (never stored as plaintext); audited',
  access: ['staff'],
  params: idParams,
  response: inboxItemDetailSchema,
  handle: ({ deps, principal, params }) =>
    openInboxItem(deps, { caller: inboxCallerOf(principal), id: params.id, via: 'api' }),
})

export const acknowledgeInboxItemRoute = apiRoute({
  method: 'post',
  path: '/inbox/:id/acknowledgement',
  summary:
    'Take note of an inbox item — for an item whose use a revocation or lapse ended, that further use must stop; audited, idempotent',
  access: ['staff'],
  params: idParams,
  response: inboxItemSummarySchema,
  handle: ({ deps, principal, params }) =>
    acknowledgeInbox(deps, { caller: inboxCallerOf(principal), id: params.id }),
})

export const getInboxAttachmentRoute = apiRoute({
  method: 'get',
  path: '/inbox/:id/attachments/:index',
  summary:
    'One attachment of an inbox item (its place in the item’s `attachments`), as base64: decrypted with your agency key for this answer only; audited',
  access: ['staff'],
  params: z.strictObject({
    id: z.string().min(1).max(64),
    index: z.coerce.number().int().min(0).max(100),
  }),
  response: z.strictObject({
    filename: z.string(),
    contentType: z.string(),
    contentBase64: z.string(),
  }),
  handle: async ({ deps, principal, params }) => {
    const attachment = await openInboxAttachment(deps, {
      caller: inboxCallerOf(principal),
      id: params.id,
      index: params.index,
    })
    return {
      filename: attachment.filename,
      contentType: attachment.contentType,
      contentBase64: attachment.content.toString('base64'),
    }
  },
})

/** JSON routes of the receiving agency's inbox under /api/v1 (issue 16 point 5). */
export const inboxApiRoutes: AnyApiRoute[] = [
  listInboxRoute,
  getInboxItemRoute,
  acknowledgeInboxItemRoute,
  getInboxAttachmentRoute,
]
