import { z } from 'zod'
import { signatoryRoleSchema } from '../../consent/consent.ts'
import { actorOf, type Principal, type StaffPrincipal } from '../../accounts/roles.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { addDays, addMonths, berlinDateOf } from '../../consent/calendar.ts'
import { ConsentError } from '../../consent/errors.ts'
import { offersRenewal } from '../../consent/renewal.ts'
import {
  consentDraftInputSchema,
  validateDraft,
  type ConsentDraftInput,
} from '../../consent/validate-draft.ts'
import { listAgencies, listUsersOfAgency } from '../../db/account-repository.ts'
import { findIncomingDataRequest } from '../../db/data-request-repository.ts'
import type { SafeHtml } from '../../templates/pages/html.ts'
import { composerView, type ComposerViewInput } from '../../templates/pages/staff/composer-view.ts'
import { consentDetailView } from '../../templates/pages/staff/consent-detail-view.ts'
import {
  consentFormView,
  type ConsentFormWarning,
} from '../../templates/pages/staff/consent-form-view.ts'
import { consentPrintView } from '../../templates/pages/staff/consent-print-view.ts'
import { listReceivedTransfers } from '../relay/transfer-service.ts'
import { overviewView } from '../../templates/pages/staff/overview-view.ts'
import type { StaffNavEntry } from '../../templates/pages/staff/staff-frame.ts'
import {
  say,
  staffLanguages,
  type StaffLanguage,
} from '../../templates/pages/view-models/staff-language.ts'
import {
  consentText,
  createConsentDraft,
  discardConsent,
  getConsent,
  listConsents,
  revokeConsent,
  signConsent,
  type ConsentCaller,
} from '../consent/consent-service.ts'
import { consentStatusSchema, type ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { KioskError } from '../kiosk/kiosk-error.ts'
import { pushDraft } from '../kiosk/kiosk-service.ts'
import { pageRoute, type AnyPageRoute, type RouteContext } from '../http/route.ts'
import { consentErrorStatus } from '../http/consent-error-status.ts'
import { toHttpFailure } from '../http/error-status.ts'
import { RelayError } from '../relay/relay-error.ts'
import { findCertificateBanners, describeBanner } from '../staff/certificate-banners.ts'
import {
  broadChoiceWarnings,
  describeWarning,
  fieldOfWarning,
  longestUnwarnedValidUntil,
  type BroadChoiceWarning,
} from '../staff/broad-choice-warnings.ts'
import { explainConsentProblem } from '../staff/consent-problem-text.ts'
import { reasonTextTable } from '../staff/deny-reason-text.ts'
import { transferRefusalTextTable } from '../staff/transfer-refusal-text.ts'
import {
  prepareConsentFormSchema,
  draftFromForm,
  type PrepareConsentForm,
} from '../staff/prepare-consent-form.ts'
import { setStaffLanguage, staffLanguageOf } from '../staff/staff-language-cookie.ts'
import { partnerReceiptTexts } from '../staff/partner-receipt-text.ts'
import { transferStatusTexts } from '../staff/transfer-status-text.ts'
import { ComposerDraftError } from '../staff/composer-draft-error.ts'
import { listComposerDrafts, openComposerDraft } from '../staff/composer-drafts.ts'
import { whoOf } from './home-pages.ts'
import { staffPageFrame } from './staff-page-frame.ts'
import { staffInboxPageRoutes } from './staff-inbox-pages.ts'
import { staffTransferPageRoutes } from './staff-transfer-pages.ts'
import { listSentUnderConsent } from '../relay/sent-transfer.ts'
import { consentTransfersView } from '../../templates/pages/staff/consent-transfers-view.ts'
import { html } from '../../templates/pages/html.ts'
import { staffRequestPageRoutes } from './staff-request-pages.ts'
import { pseudonymParamSchema, staffPersonPageRoutes } from './staff-person-pages.ts'
import { personPrefill } from '../staff/person-desk.ts'

export type StaffCtx = RouteContext<
  Record<string, string>,
  Record<string, unknown>,
  unknown,
  StaffPrincipal
>
type Ctx = StaffCtx
type ComposerPrefill = NonNullable<ComposerViewInput['prefill']>

/** Languages a consent text can be prepared in (templates/consent). */
const consentLanguages = [
  { id: 'de', label: 'Deutsch' },
  { id: 'de-ls', label: 'Leichte Sprache' },
  { id: 'en', label: 'English' },
]

/** How far ahead "expiring soon" looks (and the consent page offers a renewal). */
const expiringWithinDays = 30

export function callerOf(principal: Principal): ConsentCaller {
  return {
    actor: actorOf(principal),
    role: principal.role,
    agencyId: principal.agencyId,
    userId: principal.userId,
    via: 'page',
  }
}

const idParams = z.strictObject({ id: z.string().min(1).max(64) })

export function idOf(ctx: Ctx): string {
  return idParams.parse(ctx.params).id
}

function frame(
  deps: Deps,
  ctx: Ctx,
  page: { title: string; current: StaffNavEntry; here: string; body: SafeHtml },
): Promise<string> {
  return staffPageFrame(deps, ctx, page)
}

function maxValidUntil(deps: Deps, today: string): string {
  return addDays(addMonths(today, deps.config.consentMaxMonths), -1)
}

export function emptyForm(deps: Deps, agencyId: string, today: string): PrepareConsentForm {
  // The longest validity that draws no warning, within the configured maximum: the proposal
  // never warns against itself (issue 18 point 8).
  const unwarned = longestUnwarnedValidUntil(today)
  const max = maxValidUntil(deps, today)
  return prepareConsentFormSchema.parse({
    senders: [agencyId],
    validFrom: today,
    validUntil: unwarned < max ? unwarned : max,
    // Preselected where a Jugendamt prepares; the form shows the marks only there.
    entrustedCategories: Object.entries(vocabulary.categories)
      .filter(([, term]) => term.section65)
      .map(([id]) => id),
  })
}

/** The broad-choice warnings as the form shows them: text, field and the code to confirm. */
function formWarnings(
  warnings: readonly BroadChoiceWarning[],
  lang: StaffLanguage,
): ConsentFormWarning[] {
  return warnings.map((w) => ({
    code: w.code,
    field: fieldOfWarning(w),
    text: describeWarning(w, lang, vocabulary),
  }))
}

export const renderForm = async (
  ctx: Ctx,
  values: PrepareConsentForm,
  errors: string[],
  warnings: ConsentFormWarning[],
  status = 200,
  renewal?: { consentId: string },
) => {
  const { deps } = ctx
  const lang = staffLanguageOf(ctx.req)
  const today = berlinDateOf(deps.clock.now())
  const who = await whoOf(deps, ctx.principal, ctx.req.headers.cookie)
  return {
    status,
    html: await frame(deps, ctx, {
      title: renewal
        ? say(lang, 'Einwilligung erneuern', 'Renew a consent')
        : say(lang, 'Einwilligung vorbereiten', 'Prepare a consent'),
      current: renewal ? 'none' : 'prepare',
      here: renewal ? `/staff/consents/${renewal.consentId}/renewal` : '/staff/consents/new',
      body: consentFormView({
        language: lang,
        csrfToken: who.csrfToken,
        agencies: await listAgencies(deps.db),
        ownAgencyId: ctx.principal.agencyId,
        vocabulary,
        values,
        maxValidUntil: maxValidUntil(deps, today),
        today,
        errors,
        warnings,
        consentLanguages,
        ...(renewal ? { renewal } : {}),
      }),
    }),
  }
}

export const renderDetail = async (
  ctx: Ctx,
  consent: ConsentView,
  extra: { error?: string; notice?: string; status?: number } = {},
) => {
  const { deps } = ctx
  const lang = staffLanguageOf(ctx.req)
  const who = await whoOf(deps, ctx.principal, ctx.req.headers.cookie)
  const warnings = broadChoiceWarnings({
    categories: consent.categories,
    recipients: consent.recipients,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    vocabulary,
  }).map((w) => describeWarning(w, lang, vocabulary))
  const agencies = await listAgencies(deps.db)
  const transfers = await listSentUnderConsent(deps, {
    agencyId: ctx.principal.agencyId,
    consentId: consent.id,
  })
  return {
    status: extra.status ?? 200,
    html: await frame(deps, ctx, {
      title: say(lang, 'Einwilligung', 'Consent'),
      current: 'none',
      here: `/staff/consents/${consent.id}`,
      body: html`${consentDetailView({
        language: lang,
        csrfToken: who.csrfToken,
        consent,
        agencies,
        ownAgencyId: ctx.principal.agencyId,
        vocabulary,
        warnings,
        kiosks: (await listUsersOfAgency(deps.db, ctx.principal.agencyId))
          .filter((u) => u.role === 'kiosk' && !u.disabled)
          .map((u) => ({ id: u.id, name: u.displayName })),
        offerRenewal: offersRenewal({
          actor: { kind: 'staff', agencyId: ctx.principal.agencyId },
          consent,
          today: berlinDateOf(deps.clock.now()),
          withinDays: expiringWithinDays,
        }),
        ...(extra.error ? { error: extra.error } : {}),
        ...(extra.notice ? { notice: extra.notice } : {}),
      })}${consentTransfersView({
        language: lang,
        transfers,
        agencies,
        vocabulary,
        statusTexts: transferStatusTexts(lang),
        isSender: consent.senders.includes(ctx.principal.agencyId),
      })}`,
    }),
  }
}

/** Runs an action on a consent; a refusal re-shows the consent with the reason, not a bare error. */
/**
 * A consent action the rules refused: the consent page says why. A consent the caller may not see
 * stays "not found" (the error is thrown on).
 */
export async function consentRefusalPage(ctx: Ctx, consentId: string, error: unknown) {
  if (!(error instanceof ConsentError) || error.code === 'ERR_CONSENT_NOT_FOUND') throw error
  const lang = staffLanguageOf(ctx.req)
  const consent = await getConsent(ctx.deps, { caller: callerOf(ctx.principal), consentId })
  return renderDetail(ctx, consent, {
    error: `${say(lang, 'Nicht möglich:', 'Not possible:')} ${explainConsentProblem(error.code, lang)}`,
    status: consentErrorStatus[error.code],
  })
}

const consentAction = async (ctx: Ctx, action: () => Promise<unknown>) => {
  const consentId = idOf(ctx)
  try {
    await action()
    return { redirect: `/staff/consents/${consentId}` }
  } catch (error) {
    return consentRefusalPage(ctx, consentId, error)
  }
}

export const staffOverviewPage = pageRoute({
  method: 'get',
  path: '/staff',
  access: ['staff'],
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const parsed = consentStatusSchema.safeParse(ctx.query.status)
    const all = await listConsents(ctx.deps, { caller: callerOf(ctx.principal) })
    const today = berlinDateOf(ctx.deps.clock.now())
    const horizon = addDays(today, expiringWithinDays)
    const agencies = await listAgencies(ctx.deps.db)
    const banners = await findCertificateBanners({
      keyring: ctx.deps.relay.keyring,
      agencies,
      ownAgencyId: ctx.principal.agencyId,
      at: ctx.deps.clock.now(),
    })
    return {
      html: await frame(ctx.deps, ctx, {
        title: say(lang, 'Arbeitsplatz', 'Workplace'),
        current: 'overview',
        here: '/staff',
        body: overviewView({
          language: lang,
          consents: parsed.success ? all.filter((c) => c.status === parsed.data) : all,
          expiringSoon: all.filter((c) => c.status === 'active' && c.validUntil <= horizon),
          // Drafts the person said no to, that this agency prepared, in the last 30 days.
          declined: all.filter(
            (c) =>
              c.status === 'declined' &&
              c.createdByAgencyId === ctx.principal.agencyId &&
              c.declinedAt !== null &&
              berlinDateOf(new Date(c.declinedAt)) >= addDays(today, -expiringWithinDays),
          ),
          statusFilter: parsed.success ? parsed.data : '',
          agencies,
          vocabulary,
          banners: banners.map((b) => describeBanner(b, lang, agencies)),
          transferStatusTexts: transferStatusTexts(lang),
          receiptTexts: partnerReceiptTexts(lang),
          received: await listReceivedTransfers(ctx.deps, { agencyId: ctx.principal.agencyId }),
        }),
      }),
    }
  },
})

export const staffSwitchLanguagePage = pageRoute({
  method: 'post',
  path: '/staff/language',
  access: ['staff'],
  form: z.strictObject({
    language: z.enum(staffLanguages),
    back: z.string().max(200).optional(),
  }),
  handle: ({ deps, res, body }) => {
    setStaffLanguage(res, body.language, deps.config.cookieSecure)
    // Only back into the workplace: never an open redirect.
    const back = body.back && /^\/staff(\/[A-Za-z0-9_/-]*)?$/.test(body.back) ? body.back : '/staff'
    return Promise.resolve({ redirect: back })
  },
})

export const staffNewConsentPage = pageRoute({
  method: 'get',
  path: '/staff/consents/new',
  access: ['staff'],
  handle: async (ctx) => {
    const today = berlinDateOf(ctx.deps.clock.now())
    const form = emptyForm(ctx.deps, ctx.principal.agencyId, today)
    // `?person=` (from the person page): prefilled for someone the agency knows; only the
    // pseudonym is in the address, never a name.
    const pseudonym = pseudonymParamSchema.safeParse(ctx.query.person)
    const person = pseudonym.success
      ? await personPrefill(ctx.deps, { principal: ctx.principal, pseudonym: pseudonym.data })
      : undefined
    return renderForm(ctx, person ? { ...form, ...person } : form, [], [])
  },
})

export const staffCreateConsentPage = pageRoute({
  method: 'post',
  path: '/staff/consents',
  access: ['staff'],
  form: prepareConsentFormSchema,
  handle: (ctx) => submitConsentForm(ctx, ctx.body),
})

/**
 * Creates a draft from the prepare form (or, with `renewal`, a draft that renews that consent,
 * issue 18 point 5): field errors and domain problems show the form again; each broad-choice
 * warning must be confirmed by its own box next to it (issue 18 point 8).
 */
export async function submitConsentForm(
  ctx: Ctx,
  form: PrepareConsentForm,
  renewal?: { consentId: string },
) {
  const lang = staffLanguageOf(ctx.req)
  const agencyId = ctx.principal.agencyId
  const draft = consentDraftInputSchema.safeParse(draftFromForm(form, agencyId))
  if (!draft.success) {
    const fields = [...new Set(draft.error.issues.map((i) => i.path.join('.')))]
    return renderForm(
      ctx,
      form,
      fields.map((f) => `${say(lang, 'Bitte prüfen:', 'Please check:')} ${fieldLabel(f, lang)}`),
      [],
      400,
      renewal,
    )
  }
  const problems = await draftProblems(ctx.deps, draft.data, agencyId)
  if (problems.length > 0)
    return renderForm(
      ctx,
      form,
      problems.map((code) => explainConsentProblem(code, lang)),
      [],
      400,
      renewal,
    )
  const broad = broadChoiceWarnings({
    categories: form.categories,
    recipients: form.recipients,
    validFrom: form.validFrom || berlinDateOf(ctx.deps.clock.now()),
    validUntil: form.validUntil,
    vocabulary,
  })
  const warnings = formWarnings(broad, lang)
  // Each warning is confirmed by its own box, next to it; one left unticked shows the form again.
  if (broad.some((w) => !form.confirmBroad.includes(w.code)))
    return renderForm(ctx, form, [], warnings, 200, renewal)
  try {
    const consent = await createConsentDraft(ctx.deps, {
      caller: callerOf(ctx.principal),
      draft: draft.data,
      ...(renewal ? { renewsConsentId: renewal.consentId } : {}),
    })
    return { redirect: `/staff/consents/${consent.id}` }
  } catch (error) {
    if (!(error instanceof ConsentError)) throw error
    // The consent to renew is not this agency's to see: "not found", as everywhere.
    if (renewal && error.code === 'ERR_CONSENT_NOT_FOUND') throw error
    const codes = error.details?.problems?.map((p) => p.code) ?? [error.code]
    return renderForm(
      ctx,
      { ...form, confirmBroad: [] },
      [...new Set(codes)].map((code) => explainConsentProblem(code, lang)),
      warnings,
      consentErrorStatus[error.code],
      renewal,
    )
  }
}

export const staffShowConsentPage = pageRoute({
  method: 'get',
  path: '/staff/consents/:id',
  access: ['staff'],
  handle: async (ctx) =>
    renderDetail(
      ctx,
      await getConsent(ctx.deps, { caller: callerOf(ctx.principal), consentId: idOf(ctx) }),
    ),
})

export const staffPrintConsentPage = pageRoute({
  method: 'get',
  path: '/staff/consents/:id/print',
  access: ['staff'],
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const caller = callerOf(ctx.principal)
    const consent = await getConsent(ctx.deps, { caller, consentId: idOf(ctx) })
    const rendered = await consentText(ctx.deps, { caller, consentId: consent.id })
    return {
      html: await frame(ctx.deps, ctx, {
        title: say(lang, 'Formular drucken', 'Print form'),
        current: 'none',
        here: `/staff/consents/${consent.id}`,
        body: consentPrintView({
          language: lang,
          consent,
          text: rendered.text,
          textSha256: rendered.reference.sha256,
        }),
      }),
    }
  },
})

export const staffPaperSignaturePage = pageRoute({
  method: 'post',
  path: '/staff/consents/:id/paper-signature',
  access: ['staff'],
  // The scan of the signed form is the evidence, kept with the consent (read by the browser
  // into a data URL; a PDF or image of a few megabytes).
  bodyLimit: 8 * 1024 * 1024,
  form: z.strictObject({
    role: signatoryRoleSchema,
    name: z.string().trim().min(1).max(200),
    scan: z.string().min(1).max(6_000_000),
  }),
  handle: (ctx) => {
    const { body } = ctx
    return consentAction(ctx, () =>
      signConsent(ctx.deps, {
        caller: callerOf(ctx.principal),
        consentId: idOf(ctx),
        signature: {
          role: body.role,
          name: body.name,
          method: 'paper_scan',
          evidence: body.scan,
        },
      }),
    )
  },
})

export const staffPushPage = pageRoute({
  method: 'post',
  path: '/staff/consents/:id/push',
  access: ['staff'],
  form: z.strictObject({ kioskId: z.string().min(1).max(64) }),
  handle: async (ctx) => {
    const lang = staffLanguageOf(ctx.req)
    const caller = callerOf(ctx.principal)
    const consentId = idOf(ctx)
    const kioskId = ctx.body.kioskId
    let outcome: { notice: string } | { error: string; status: number }
    try {
      await pushDraft(ctx.deps, { caller, kioskId, consentId })
      outcome = {
        notice: say(
          lang,
          `Der Entwurf wurde an den Kiosk ${kioskId} gesendet; die Person kann dort beginnen.`,
          `The draft was sent to kiosk ${kioskId}; the person can start there.`,
        ),
      }
    } catch (error) {
      if (!(error instanceof KioskError) && !(error instanceof ConsentError)) throw error
      outcome = {
        error: say(
          lang,
          `Senden an den Kiosk nicht möglich (${error.code}).`,
          `Cannot send to the kiosk (${error.code}).`,
        ),
        status: toHttpFailure(error)?.status ?? 409,
      }
    }
    const consent = await getConsent(ctx.deps, { caller, consentId })
    return renderDetail(ctx, consent, outcome)
  },
})

export const staffRevocationPage = pageRoute({
  method: 'post',
  path: '/staff/consents/:id/revocation',
  access: ['staff'],
  form: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  handle: (ctx) =>
    consentAction(ctx, () =>
      revokeConsent(ctx.deps, {
        caller: callerOf(ctx.principal),
        consentId: idOf(ctx),
        revocation: { channel: 'staff', reason: ctx.body.reason },
      }),
    ),
})

export const staffDiscardPage = pageRoute({
  method: 'post',
  path: '/staff/consents/:id/discard',
  access: ['staff'],
  handle: (ctx) =>
    consentAction(ctx, () =>
      discardConsent(ctx.deps, { caller: callerOf(ctx.principal), consentId: idOf(ctx) }),
    ),
})

const renderComposer = async (
  ctx: Ctx,
  consentId: string,
  options: { prefill?: ComposerPrefill; draftId?: string } = {},
) => {
  const lang = staffLanguageOf(ctx.req)
  const { prefill } = options
  const consent = await getConsent(ctx.deps, { caller: callerOf(ctx.principal), consentId })
  const resumed = options.draftId
    ? await openComposerDraft(ctx.deps, { principal: ctx.principal, id: options.draftId })
    : undefined
  // A draft opens only in the composer of its own consent.
  if (resumed && resumed.consentId !== consent.id)
    throw new ComposerDraftError('ERR_DRAFT_NOT_FOUND', 'No such draft of yours.')
  return {
    html: await frame(ctx.deps, ctx, {
      title: say(lang, 'Zusammenfassung verfassen', 'Compose summary'),
      current: prefill ? 'requests' : 'none',
      here: prefill?.requestId
        ? `/staff/requests/${prefill.requestId}/answer`
        : `/staff/compose/${consent.id}`,
      body: composerView({
        language: lang,
        consent,
        ownAgencyId: ctx.principal.agencyId,
        agencies: await listAgencies(ctx.deps.db),
        vocabulary,
        reasonTexts: reasonTextTable(lang, vocabulary, {
          validFrom: consent.validFrom,
          validUntil: consent.validUntil,
        }),
        errorTexts: transferRefusalTextTable(lang),
        statusTexts: transferStatusTexts(lang),
        drafts: await listComposerDrafts(ctx.deps, {
          principal: ctx.principal,
          consentId: consent.id,
        }),
        ...(prefill ? { prefill } : {}),
        ...(resumed ? { resumed } : {}),
      }),
    }),
  }
}

const composeQuery = z.object({ draft: z.string().min(1).max(64).optional() })

export const staffComposePage = pageRoute({
  method: 'get',
  path: '/staff/compose/:id',
  access: ['staff'],
  handle: (ctx) => {
    const query = composeQuery.safeParse(ctx.query)
    const draftId = query.success ? query.data.draft : undefined
    return renderComposer(ctx, idOf(ctx), draftId ? { draftId } : {})
  },
})

/** The composer pre-filled from an open request to this agency (only ids in the URL). */
export const staffAnswerRequestPage = pageRoute({
  method: 'get',
  path: '/staff/requests/:id/answer',
  access: ['staff'],
  handle: async (ctx) => {
    const request = await findIncomingDataRequest(ctx.deps.db, {
      id: idOf(ctx),
      holderAgencyId: ctx.principal.agencyId,
    })
    if (!request)
      throw new RelayError('ERR_RELAY_REQUEST_NOT_FOUND', 'No such request to your agency.')
    if (request.status !== 'open')
      return {
        redirect: request.answeredByTransferId
          ? `/staff/transfers/${request.answeredByTransferId}`
          : '/staff/requests',
      }
    return renderComposer(ctx, request.consentId, {
      prefill: {
        to: request.requesterAgencyId,
        purpose: request.purpose,
        categories: request.categories,
        requestId: request.id,
      },
    })
  },
})

/** The staff workplace (docs/design.md §2, §6 `/staff`). */
export const staffPageRoutes: AnyPageRoute[] = [
  staffOverviewPage,
  staffSwitchLanguagePage,
  staffNewConsentPage,
  staffCreateConsentPage,
  staffShowConsentPage,
  staffPrintConsentPage,
  staffPaperSignaturePage,
  staffPushPage,
  staffRevocationPage,
  staffDiscardPage,
  staffComposePage,
  staffAnswerRequestPage,
  ...staffTransferPageRoutes,
  ...staffRequestPageRoutes,
  ...staffInboxPageRoutes,
  ...staffPersonPageRoutes,
]

/** The rule violations of a draft, checked before any warning so errors come first. */
async function draftProblems(
  deps: Deps,
  draft: ConsentDraftInput,
  agencyId: string,
): Promise<string[]> {
  const agencies = await listAgencies(deps.db)
  try {
    validateDraft(draft, {
      now: deps.clock.now(),
      maxMonths: deps.config.consentMaxMonths,
      vocabulary,
      agencyKinds: new Map<string, string>(agencies.map((a) => [a.id, a.kind])),
      creatorAgencyId: agencyId,
      agenciesWithPrivacyNotice: new Set(agencies.filter((a) => a.privacyNotice).map((a) => a.id)),
    })
    return []
  } catch (error) {
    if (!(error instanceof ConsentError)) throw error
    return [...new Set(error.details?.problems?.map((p) => p.code) ?? [error.code])]
  }
}

function fieldLabel(path: string, lang: StaffLanguage): string {
  const labels: Record<string, [string, string]> = {
    'subject.givenName': ['Vorname', 'given name'],
    'subject.familyName': ['Nachname', 'family name'],
    'subject.birthDate': ['Geburtsdatum', 'date of birth'],
    validUntil: ['Gültig bis', 'valid until'],
    validFrom: ['Gültig ab', 'valid from'],
    'entrustingPersons.0.name': ['Name der anvertrauenden Person', 'name of the entrusting person'],
    'entrustingPersons.1.name': ['Name der weiteren Person 2', 'name of further person 2'],
    'entrustingPersons.2.name': ['Name der weiteren Person 3', 'name of further person 3'],
  }
  const pair = labels[path]
  return pair ? say(lang, pair[0], pair[1]) : path
}
