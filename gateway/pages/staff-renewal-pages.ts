import { berlinDateOf } from '../../consent/calendar.ts'
import { ConsentError } from '../../consent/errors.ts'
import { say } from '../../templates/pages/view-models/staff-language.ts'
import { getConsent, prepareRenewal } from '../consent/consent-service.ts'
import { consentErrorStatus } from '../http/consent-error-status.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import { explainConsentProblem } from '../staff/consent-problem-text.ts'
import { formFromDraft, prepareConsentFormSchema } from '../staff/prepare-consent-form.ts'
import { staffLanguageOf } from '../staff/staff-language-cookie.ts'
import {
  callerOf,
  emptyForm,
  idOf,
  renderDetail,
  renderForm,
  submitConsentForm,
  type StaffCtx,
} from './staff-pages.ts'

/**
 * "verlängern / erneuern" (issue 18 point 5): the prepare form, prefilled from the consent to
 * renew; the draft it posts renews that consent and goes to the kiosk like any draft.
 */
export const staffRenewalFormPage = pageRoute({
  method: 'get',
  path: '/staff/consents/:id/renewal',
  access: ['staff'],
  handle: async (ctx) => {
    const consentId = idOf(ctx)
    const caller = callerOf(ctx.principal)
    const agencyId = ctx.principal.agencyId
    const today = berlinDateOf(ctx.deps.clock.now())
    try {
      const { draft } = await prepareRenewal(ctx.deps, {
        caller,
        consentId,
        // The same default validity as a new consent's form.
        validUntil: emptyForm(ctx.deps, agencyId, today).validUntil,
      })
      return await renderForm(ctx, formFromDraft(draft, agencyId), [], [], 200, { consentId })
    } catch (error) {
      return refusal(ctx, consentId, error)
    }
  },
})

/**
 * Not renewable, or not by this agency: the consent page says why. A consent the caller may not
 * see stays "not found".
 */
async function refusal(ctx: StaffCtx, consentId: string, error: unknown) {
  if (!(error instanceof ConsentError) || error.code === 'ERR_CONSENT_NOT_FOUND') throw error
  const lang = staffLanguageOf(ctx.req)
  const consent = await getConsent(ctx.deps, { caller: callerOf(ctx.principal), consentId })
  return renderDetail(ctx, consent, {
    error: `${say(lang, 'Nicht möglich:', 'Not possible:')} ${explainConsentProblem(error.code, lang)}`,
    status: consentErrorStatus[error.code],
  })
}

/** The renewal form posted: a new draft linked to the consent it renews. */
export const staffCreateRenewalPage = pageRoute({
  method: 'post',
  path: '/staff/consents/:id/renewal',
  access: ['staff'],
  form: prepareConsentFormSchema,
  handle: async (ctx) => {
    const consentId = idOf(ctx)
    const today = berlinDateOf(ctx.deps.clock.now())
    try {
      // Who may renew is asked before the form is looked at; the service asks again on storing.
      await prepareRenewal(ctx.deps, {
        caller: callerOf(ctx.principal),
        consentId,
        validUntil: today,
      })
    } catch (error) {
      return refusal(ctx, consentId, error)
    }
    return submitConsentForm(ctx, ctx.body, { consentId })
  },
})

export const staffRenewalPageRoutes: AnyPageRoute[] = [staffRenewalFormPage, staffCreateRenewalPage]
