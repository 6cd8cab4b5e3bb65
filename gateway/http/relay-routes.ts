import { z } from 'zod'
import { actorOf, type StaffPrincipal } from '../../accounts/roles.ts'
import { findTransfer, transferStatusSchema } from '../../db/transfer-repository.ts'
import { readCatchallMessage } from '../relay/catchall-mailbox.ts'
import {
  createDataRequest,
  dataRequestInputSchema,
  dataRequestViewSchema,
  listDataRequestViews,
} from '../relay/data-request-service.ts'
import { RelayError } from '../relay/relay-error.ts'
import { relaySettingsOf } from '../relay/relay-settings.ts'
import {
  getTransfer,
  listTransfers,
  maxTransferBodyBytes,
  submitTransfer,
  transferInputSchema,
  transferViewSchema,
  type TransferCaller,
} from '../relay/transfer-service.ts'
import { runIdempotently } from '../idempotency/idempotent-call.ts'
import { idempotencyClaimOf, idempotencyHeadersSchema, markReplayed } from './idempotency-header.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

const idParams = z.strictObject({ id: z.string().min(1).max(64) })

function callerOf(principal: StaffPrincipal): TransferCaller {
  return { actor: actorOf(principal), userId: principal.userId, agencyId: principal.agencyId }
}

const queuedSchema = z.strictObject({ id: z.string(), status: transferStatusSchema })

export const submitTransferRoute = apiRoute({
  method: 'post',
  path: '/transfers',
  summary:
    'Send a case summary to a partner agency (decided, signed, encrypted, queued); idempotent with an Idempotency-Key',
  access: ['staff'],
  headers: idempotencyHeadersSchema,
  body: transferInputSchema,
  bodyLimit: maxTransferBodyBytes,
  status: 202,
  response: queuedSchema,
  handle: async ({ deps, principal, headers, body, res }) => {
    const { result, replayed } = await runIdempotently(
      deps,
      idempotencyClaimOf(principal, headers, 'transfer.submit', body),
      {
        status: 202,
        run: (recordOutcome) =>
          submitTransfer(deps, {
            caller: callerOf(principal),
            transfer: body,
            // The staff composer posts here with the browser session: that is the web page
            // channel; a bearer token is the API (issue 18 point 6).
            channel: principal.via === 'session' ? 'page' : 'api',
            ...(recordOutcome ? { recordOutcome } : {}),
          }),
        // The answer is metadata only ({ id, status }), so it is stored and given back as it was.
        replay: (stored) => Promise.resolve(queuedSchema.parse(stored.body)),
      },
    )
    markReplayed(res, replayed)
    return result
  },
})

export const listTransfersRoute = apiRoute({
  method: 'get',
  path: '/transfers',
  summary: "List your agency's transfers, newest first",
  access: ['staff'],
  query: z.strictObject({ status: transferStatusSchema.optional() }),
  response: z.strictObject({ transfers: z.array(transferViewSchema) }),
  handle: async ({ deps, principal, query }) => ({
    transfers: await listTransfers(deps, {
      agencyId: callerOf(principal).agencyId,
      ...(query.status ? { status: query.status } : {}),
    }),
  }),
})

export const getTransferRoute = apiRoute({
  method: 'get',
  path: '/transfers/:id',
  summary: "Read the status of one of your agency's transfers",
  access: ['staff'],
  params: idParams,
  response: transferViewSchema,
  handle: ({ deps, principal, params }) =>
    getTransfer(deps, { agencyId: callerOf(principal).agencyId, id: params.id }),
})

export const downloadCatchallMessageRoute = apiRoute({
  method: 'get',
  path: '/transfers/:id/catchall.eml',
  summary: 'Download a delivered message from the local catch-all (still encrypted; admin)',
  access: ['admin'],
  params: idParams,
  response: z.string(),
  handle: async ({ deps, params, res }) => {
    const transfer = await findTransfer(deps.db, params.id)
    if (!transfer) throw new RelayError('ERR_RELAY_TRANSFER_NOT_FOUND', 'No such transfer.')
    const raw = readCatchallMessage(relaySettingsOf(deps.config).catchallDir, transfer.messageId)
    if (!raw)
      throw new RelayError(
        'ERR_RELAY_MESSAGE_NOT_FOUND',
        'The local catch-all holds no message for this transfer.',
      )
    res.setHeader('Content-Type', 'message/rfc822')
    res.setHeader('Content-Disposition', `attachment; filename="${transfer.id}.eml"`)
    res.status(200).end(raw)
    return ''
  },
})

export const createDataRequestRoute = apiRoute({
  method: 'post',
  path: '/requests',
  summary: 'Ask a partner agency for named categories under a consent',
  access: ['staff'],
  body: dataRequestInputSchema,
  status: 201,
  response: dataRequestViewSchema,
  handle: ({ deps, principal, body }) =>
    createDataRequest(deps, { caller: callerOf(principal), request: body }),
})

export const listDataRequestsRoute = apiRoute({
  method: 'get',
  path: '/requests',
  summary:
    "Your agency's incoming (default) or outgoing data requests, with whether a consent covers each",
  access: ['staff'],
  query: z.strictObject({ direction: z.enum(['incoming', 'outgoing']).default('incoming') }),
  response: z.strictObject({ requests: z.array(dataRequestViewSchema) }),
  handle: async ({ deps, principal, query }) => ({
    requests: await listDataRequestViews(deps, {
      agencyId: callerOf(principal).agencyId,
      direction: query.direction,
    }),
  }),
})

/** JSON routes of the relay area under /api/v1. */
export const relayApiRoutes: AnyApiRoute[] = [
  submitTransferRoute,
  listTransfersRoute,
  getTransferRoute,
  downloadCatchallMessageRoute,
  createDataRequestRoute,
  listDataRequestsRoute,
]
