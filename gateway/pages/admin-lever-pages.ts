import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import type { Deps } from '../deps.ts'
import { relayErrorStatus } from '../http/relay-error-status.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { RelayError } from '../relay/relay-error.ts'
import {
  cancelTransfer,
  leverActorOf,
  pausePartner,
  resumePartner,
  retryTransfer,
  type LeverCaller,
} from '../relay/transfer-levers.ts'
import { isTransferLeverTextCode, transferLeverTexts } from '../staff/transfer-lever-text.ts'
import { renderAdmin } from './admin-pages.ts'

// The operator's levers on the admin page (issue 19 point 5): one form post per lever, CSRF-checked
// by mountPageRoutes, the same use cases as the API and the CLI.

const adminOnly = ['admin'] as const
const noFields = z.strictObject({})
const transferIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)

function callerOf(principal: Principal): LeverCaller {
  return { actor: leverActorOf(principal), auditActor: actorOf(principal) }
}

type Lever = (input: { deps: Deps; caller: LeverCaller; target: string }) => Promise<string>

function leverPage(path: string, target: 'id' | 'agencyId', form: z.ZodType, lever: Lever) {
  return pageRoute({
    method: 'post',
    path,
    access: adminOnly,
    form,
    handle: async ({ deps, principal, params, body, req }): Promise<PageResult> => {
      try {
        const raw =
          target === 'id'
            ? params.id
            : (params.agencyId ?? (body as { agencyId?: string }).agencyId)
        const parsed = (target === 'id' ? transferIdSchema : identifierSchema).safeParse(raw)
        if (!parsed.success)
          throw new RelayError(
            target === 'id' ? 'ERR_LEVER_NOT_FOUND' : 'ERR_LEVER_AGENCY_UNKNOWN',
            'Not an id.',
          )
        const done = await lever({ deps, caller: callerOf(principal), target: parsed.data })
        return { redirect: `/admin?lever=${done}:${parsed.data}` }
      } catch (error) {
        if (!(error instanceof RelayError) || !isTransferLeverTextCode(error.code)) throw error
        const reasons = (error.details?.reasons as string[] | undefined) ?? []
        const problem =
          transferLeverTexts[error.code] +
          (reasons.length > 0 ? ` Gründe: ${reasons.join(', ')}.` : '')
        return renderAdmin(
          deps,
          { principal, cookie: req.headers.cookie },
          { status: relayErrorStatus[error.code], problem },
        )
      }
    },
  })
}

export const retryTransferPage = leverPage(
  '/admin/transfers/:id/retry',
  'id',
  noFields,
  async ({ deps, caller, target }) => {
    await retryTransfer(deps, { caller, id: target })
    return 'retried'
  },
)

export const cancelTransferPage = leverPage(
  '/admin/transfers/:id/cancel',
  'id',
  noFields,
  async ({ deps, caller, target }) => {
    await cancelTransfer(deps, { caller, id: target })
    return 'cancelled'
  },
)

export const pausePartnerPage = leverPage(
  '/admin/partners/pause',
  'agencyId',
  z.strictObject({ agencyId: z.string().max(100).optional() }),
  async ({ deps, caller, target }) => {
    await pausePartner(deps, { caller, agencyId: target })
    return 'paused'
  },
)

export const resumePartnerPage = leverPage(
  '/admin/partners/:agencyId/resume',
  'agencyId',
  noFields,
  async ({ deps, caller, target }) => {
    await resumePartner(deps, { caller, agencyId: target })
    return 'resumed'
  },
)

/** The lever forms of the admin page. */
export const adminLeverPageRoutes: AnyPageRoute[] = [
  retryTransferPage,
  cancelTransferPage,
  pausePartnerPage,
  resumePartnerPage,
]
