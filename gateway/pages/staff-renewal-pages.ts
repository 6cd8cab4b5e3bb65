import { berlinDateOf } from '../../consent/calendar.ts'
import { prepareRenewal } from '../consent/consent-service.ts'
import { pageRoute, type AnyPageRoute } from '../http/route.ts'
import { formFromDraft, prepareConsentFormSchema } from '../staff/prepare-consent-form.ts'
import {
  callerOf,
  consentRefusalPage,
  emptyForm,
  idOf,
  renderForm,
  submitConsentForm,
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
      return consentRefusalPage(ctx, consentId, error)
    }
  },
})

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
      return consentRefusalPage(ctx, consentId, error)
    }
    return submitConsentForm(ctx, ctx.body, { consentId })
  },
})

export const staffRenewalPageRoutes: AnyPageRoute[] = [staffRenewalFormPage, staffCreateRenewalPage]
