import { z } from 'zod'
import {
  composerDraftContentSchema,
  composerDraftSchema,
  composerDraftSummarySchema,
  createComposerDraft,
  deleteComposerDraft,
  listComposerDrafts,
  openComposerDraft,
  saveComposerDraft,
} from '../staff/composer-drafts.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

const idParams = z.strictObject({ id: z.string().min(1).max(64) })
/** A draft's sections may be long: as large as a transfer's sections, without attachments. */
const draftBodyLimit = 2 * 1024 * 1024

export const listComposerDraftsRoute = apiRoute({
  method: 'get',
  path: '/composer-drafts',
  summary: 'Your own composer drafts under one consent, most recently saved first (names only)',
  access: ['staff'],
  query: z.strictObject({ consentId: z.string().min(1).max(64) }),
  response: z.strictObject({ drafts: z.array(composerDraftSummarySchema) }),
  handle: async ({ deps, principal, query }) => ({
    drafts: await listComposerDrafts(deps, { principal, consentId: query.consentId }),
  }),
})

export const createComposerDraftRoute = apiRoute({
  method: 'post',
  path: '/composer-drafts',
  summary:
    'Put a case summary aside as a draft under a consent your agency is party to: encrypted at rest, for you alone',
  access: ['staff'],
  bodyLimit: draftBodyLimit,
  body: composerDraftContentSchema.extend({ consentId: z.string().min(1).max(64) }),
  response: composerDraftSummarySchema,
  status: 201,
  handle: ({ deps, principal, body: { consentId, ...content } }) =>
    createComposerDraft(deps, { principal, consentId, content }),
})

export const getComposerDraftRoute = apiRoute({
  method: 'get',
  path: '/composer-drafts/:id',
  summary: 'Open your own draft (decrypted for this answer only); anyone else’s is not found',
  access: ['staff'],
  params: idParams,
  response: composerDraftSchema,
  handle: ({ deps, principal, params }) => openComposerDraft(deps, { principal, id: params.id }),
})

export const saveComposerDraftRoute = apiRoute({
  method: 'put',
  path: '/composer-drafts/:id',
  summary: 'Replace the content of your own draft',
  access: ['staff'],
  bodyLimit: draftBodyLimit,
  params: idParams,
  body: composerDraftContentSchema,
  response: composerDraftSummarySchema,
  handle: ({ deps, principal, params, body }) =>
    saveComposerDraft(deps, { principal, id: params.id, content: body }),
})

export const deleteComposerDraftRoute = apiRoute({
  method: 'delete',
  path: '/composer-drafts/:id',
  summary: 'Delete your own draft',
  access: ['staff'],
  params: idParams,
  response: z.strictObject({ deleted: z.literal(true) }),
  handle: async ({ deps, principal, params }) => {
    await deleteComposerDraft(deps, { principal, id: params.id })
    return { deleted: true as const }
  },
})

/** The staff composer's drafts under /api/v1 (issue 18 point 3). */
export const composerDraftApiRoutes: AnyApiRoute[] = [
  listComposerDraftsRoute,
  createComposerDraftRoute,
  getComposerDraftRoute,
  saveComposerDraftRoute,
  deleteComposerDraftRoute,
]
