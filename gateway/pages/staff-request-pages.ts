import { z } from 'zod'
import { actorOf, type Principal, type StaffPrincipal } from '../../accounts/roles.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import {
  dataRequestRefusalCodes,
  dataRequestRefusalDetailsSchema,
  type DataRequestRefusalCode,
} from '../../consent/data-request-rule.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { requestFormView } from '../../templates/pages/staff/request-form-view.ts'
import { requestsView } from '../../templates/pages/staff/requests-view.ts'
import { listConsents } from '../consent/consent-service.ts'
import { relayErrorStatus } from '../http/relay-error-status.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import {
  createDataRequest,
  dataRequestInputSchema,
  listDataRequestViews,
} from '../relay/data-request-service.ts'
import { RelayError } from '../relay/relay-error.ts'
import type { TransferCaller } from '../relay/transfer-service.ts'
import { explainDataRequestRefusal } from '../staff/data-request-refusal-text.ts'
import { staffLanguageOf } from '../staff/staff-language-cookie.ts'
import { say } from '../../templates/pages/view-models/staff-language.ts'
import { whoOf } from './home-pages.ts'
import { staffPageFrame, type StaffCtx } from './staff-page-frame.ts'

/** A form field that may come once, several times (checkboxes) or not at all. */
const manyValues = z.preprocess(
  (value: unknown): unknown[] =>
    value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
  z.array(z.string().max(64)).max(40),
)

/** The ask-a-partner form as the browser posts it; the service's schema checks the values. */
const requestFormSchema = z.strictObject({
  consentId: z.string().max(64).default(''),
  from: z.string().max(64).default(''),
  purpose: z.string().max(64).default(''),
  categories: manyValues,
})
type RequestForm = z.infer<typeof requestFormSchema>

const isDataRequestRefusal = (code: string): code is DataRequestRefusalCode =>
  (dataRequestRefusalCodes as readonly string[]).includes(code)

function callerOf(principal: StaffPrincipal): TransferCaller {
  return { actor: actorOf(principal), userId: principal.userId, agencyId: principal.agencyId }
}

const consentCaller = (principal: Principal) => ({
  actor: actorOf(principal),
  role: principal.role,
  agencyId: principal.agencyId,
  userId: principal.userId,
})

const renderForm = async (
  ctx: StaffCtx,
  values: RequestForm,
  error: string | undefined,
  status = 200,
) => {
  const { deps } = ctx
  const lang = staffLanguageOf(ctx.req)
  const caller = callerOf(ctx.principal)
  const who = await whoOf(deps, ctx.principal, ctx.req.headers.cookie)
  // Only consents under which this agency may receive: the rule refuses the others anyway.
  const consents = (await listConsents(deps, { caller: consentCaller(ctx.principal) })).filter(
    (c) => c.status === 'active' && c.coveredRecipients.includes(caller.agencyId),
  )
  return {
    status,
    html: await staffPageFrame(deps, ctx, {
      title: say(lang, 'Daten anfragen', 'Request data'),
      current: 'requests',
      here: '/staff/requests/new',
      body: requestFormView({
        language: lang,
        csrfToken: who.csrfToken,
        consents,
        agencies: (await listAgencies(deps.db)).filter((a) => a.id !== caller.agencyId),
        vocabulary,
        values,
        ...(error ? { error } : {}),
      }),
    }),
  }
}

export const staffRequestInboxPage = pageRoute({
  method: 'get',
  path: '/staff/requests',
  access: ['staff'],
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const { agencyId } = callerOf(ctx.principal)
    const consents = await listConsents(ctx.deps, { caller: consentCaller(ctx.principal) })
    return {
      html: await staffPageFrame(ctx.deps, ctx, {
        title: say(lang, 'Anfragen', 'Requests'),
        current: 'requests',
        here: '/staff/requests',
        body: requestsView({
          language: lang,
          incoming: await listDataRequestViews(ctx.deps, { agencyId, direction: 'incoming' }),
          outgoing: await listDataRequestViews(ctx.deps, { agencyId, direction: 'outgoing' }),
          consents,
          agencies: await listAgencies(ctx.deps.db),
          vocabulary,
        }),
      }),
    }
  },
})

export const staffRequestNewRequestPage = pageRoute({
  method: 'get',
  path: '/staff/requests/new',
  access: ['staff'],
  handle: (ctx) => {
    const consentId = z.string().max(64).safeParse(ctx.query.consent)
    return renderForm(
      ctx,
      requestFormSchema.parse({ consentId: consentId.success ? consentId.data : '' }),
      undefined,
    )
  },
})

export const staffRequestCreateRequestPage = pageRoute({
  method: 'post',
  path: '/staff/requests/new',
  access: ['staff'],
  form: requestFormSchema,
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const form = ctx.body
    const request = dataRequestInputSchema.safeParse(form)
    if (!request.success)
      return renderForm(
        ctx,
        form,
        say(
          lang,
          'Bitte wählen Sie eine Einwilligung, die angefragte Stelle, einen Zweck und mindestens eine Kategorie.',
          'Please choose a consent, the agency asked, a purpose and at least one category.',
        ),
        400,
      )
    try {
      await createDataRequest(ctx.deps, { caller: callerOf(ctx.principal), request: request.data })
      return { redirect: '/staff/requests' }
    } catch (error) {
      if (!(error instanceof RelayError) || !isDataRequestRefusal(error.code)) throw error
      const { code } = error
      // The form comes back as typed, with the reason in plain words.
      return renderForm(
        ctx,
        form,
        explainDataRequestRefusal(
          code,
          lang,
          vocabulary,
          dataRequestRefusalDetailsSchema.parse(error.details ?? {}),
        ),
        relayErrorStatus[code],
      )
    }
  },
})

/**
 * Requests between agencies (issue 8 point 3, docs/design.md §3.3 (5)): the inbox of requests from
 * partner agencies with whether a consent covers each now, and the form to ask a partner.
 * Answering opens the composer (`/staff/requests/:id/answer` in staff-pages.ts).
 */
export const staffRequestPageRoutes: AnyPageRoute[] = [
  staffRequestInboxPage,
  staffRequestNewRequestPage,
  staffRequestCreateRequestPage,
]
