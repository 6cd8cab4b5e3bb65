import type { Request } from 'express'
import { z } from 'zod'
import type { Principal } from '../../accounts/roles.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { isSpecialCategory, localized } from '../../consent/vocabulary.ts'
import { listAgencies } from '../../db/account-repository.ts'
import type { html } from '../../templates/pages/html.ts'
import {
  kioskChooseView,
  kioskDoneView,
  kioskFrame,
  kioskReadView,
  kioskRevokeView,
  kioskSignView,
  kioskStartView,
  type ChoiceItem,
  type KioskSummaryView,
} from '../../templates/pages/kiosk/kiosk-views.ts'
import type { KioskSignatureMethod } from '../../consent/consent.ts'
import {
  personLanguageOf,
  personLanguages,
  say,
  type PersonLanguage,
} from '../../templates/pages/i18n/person-language.ts'
import { ConsentError } from '../../consent/errors.ts'
import { personNameSchema } from '../../consent/person-name.ts'
import type {
  SignatureWidgetInput,
  SigningProblem,
} from '../../templates/pages/kiosk/signature-widget.ts'
import { signingStringsFor } from '../../templates/pages/kiosk/signing-strings.ts'
import { typedSignatureEvidence } from '../consent/signature-evidence.ts'
import type { Deps } from '../deps.ts'
import { toHttpFailure } from '../http/error-status.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { KioskError } from '../kiosk/kiosk-error.ts'
import {
  confirmMajorityAtKiosk,
  currentKioskSession,
  declineAtKiosk,
  hasPushedDraft,
  moveToStep,
  nextSignatory,
  revokeAtKiosk,
  saveChoices,
  setKioskLanguage,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
  startFromPush,
  touchKioskSession,
  wipeKiosk,
  type KioskSession,
} from '../kiosk/kiosk-service.ts'
import { kioskIdleSecondsOf } from '../kiosk/kiosk-settings.ts'
import { pickUpWithinLimits, pickupLimits } from '../kiosk/pickup-throttle.ts'
import type { KioskSummary } from '../kiosk/kiosk-summaries.ts'
import { hashReceiptCode } from '../kiosk/receipt-code.ts'
import { receiptDocumentOf } from '../kiosk/receipt-document.ts'
import { findReceiptByCodeHash } from '../../db/receipt-repository.ts'
import { kioskReceiptView } from '../../templates/pages/receipt/receipt-view.ts'
import { receiptStringsFor } from '../../templates/pages/receipt/receipt-strings.ts'
import { csrfTokenOf } from './home-pages.ts'

const access = ['kiosk'] as const
const multi = z
  .union([z.string().max(64), z.array(z.string().max(64)).max(40)])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))

/**
 * The case summary a single-transfer consent is bound to ("Beratungsvermerk quittieren"): shown in
 * full when staff pushed it with the draft, else the bound hash and a hint to ask for it.
 */
function summaryView(
  summary: KioskSummary | undefined,
  sha256: string,
  lang: string,
): KioskSummaryView {
  const label = (c: string) => {
    const t = vocabulary.categories[c]
    return t ? localized(t.label, lang) : c
  }
  return {
    sha256,
    sections: summary
      ? summary.sections.map((s) => ({
          title: s.title,
          categoryLabel: label(s.category),
          body: s.body,
        }))
      : null,
  }
}

/** A language chosen on a page before or after a session (query `lang` or form `language`). */
const languageFromQuery = (query: Record<string, unknown>) => personLanguageOf(query.lang)
const withLang = (path: string, language: string) =>
  language === 'de' ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${language}`

async function page(
  deps: Deps,
  req: Request,
  input: { title: string; language?: string; personal: boolean; body: ReturnType<typeof html> },
  status = 200,
): Promise<PageResult> {
  const language = input.language ?? 'de'
  return {
    status,
    html: kioskFrame({
      title: input.title,
      language,
      csrf: await csrfTokenOf(deps, req.headers.cookie),
      idleSeconds: kioskIdleSecondsOf(deps.config),
      personal: input.personal,
      body: input.body,
    }),
  }
}

/** Loads the session for a step page; redirects when the device is elsewhere or empty. */
async function sessionAt(
  deps: Deps,
  principal: Principal,
  step: KioskSession['state']['step'],
): Promise<KioskSession | { redirect: string }> {
  const session = await currentKioskSession(deps, principal)
  if (!session) return { redirect: '/kiosk' }
  if (session.state.step !== step) return { redirect: `/kiosk/${session.state.step}` }
  await touchKioskSession(deps, principal)
  return session
}

/** A domain refusal shown on the start screen (e.g. a mistyped code), never a 500. */
async function startWithError(
  deps: Deps,
  req: Request,
  principal: Principal,
  error: unknown,
  chosen: PersonLanguage | undefined,
) {
  const failure = toHttpFailure(error)
  if (!failure) throw error
  const language = chosen ?? 'de'
  return page(
    deps,
    req,
    {
      title: say(language, 'welcome'),
      language,
      personal: false,
      body: kioskStartView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        language,
        chosen: chosen !== undefined,
        pushed: await hasPushedDraft(deps, principal),
        error:
          failure.code === 'ERR_KIOSK_RATE_LIMITED'
            ? say(language, 'errorTooManyPickups', { minutes: pickupLimits.windowMinutes })
            : say(language, 'errorUnknownPickup'),
      }),
    },
    failure.status,
  )
}

/** The start screen's language field: only a language the person picked there is carried. */
const chosenLanguage = z
  .string()
  .max(10)
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : personLanguageOf(v)))

export const kioskStartPage = pageRoute({
  method: 'get',
  path: '/kiosk',
  access,
  handle: async ({ deps, req, principal, query }) => {
    const session = await currentKioskSession(deps, principal)
    if (session) return { redirect: `/kiosk/${session.state.step}` }
    const language = languageFromQuery(query)
    return page(deps, req, {
      title: say(language, 'welcome'),
      language,
      personal: false,
      body: kioskStartView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        language,
        chosen: query.lang !== undefined,
        pushed: await hasPushedDraft(deps, principal),
      }),
    })
  },
})

export const kioskPickupPage = pageRoute({
  method: 'post',
  path: '/kiosk/pickup',
  access,
  form: z.object({ code: z.string().trim().min(1).max(20), language: chosenLanguage }),
  handle: async ({ deps, limits, req, principal, body }) => {
    try {
      await pickUpWithinLimits(
        deps,
        {
          budget: limits.pickup,
          principal,
          remoteAddress: req.ip ?? 'unknown',
          code: body.code,
          method: 'POST',
          route: '/kiosk/pickup',
        },
        () => startFromPickupCode(deps, principal, body.code, body.language),
      )
    } catch (error) {
      return startWithError(deps, req, principal, error, body.language)
    }
    return { redirect: '/kiosk/read' }
  },
})

export const kioskTakePushedPage = pageRoute({
  method: 'post',
  path: '/kiosk/take-pushed',
  access,
  form: z.object({ language: chosenLanguage }),
  handle: async ({ deps, req, principal, body }) => {
    try {
      await startFromPush(deps, principal, body.language)
    } catch (error) {
      return startWithError(deps, req, principal, error, body.language)
    }
    return { redirect: '/kiosk/read' }
  },
})

export const kioskLanguagePage = pageRoute({
  method: 'post',
  path: '/kiosk/language',
  access,
  form: z.object({ language: z.enum(personLanguages) }),
  handle: async ({ deps, principal, body }) => {
    const session = await currentKioskSession(deps, principal)
    if (!session) return { redirect: '/kiosk' }
    const step = await setKioskLanguage(deps, principal, body.language)
    return { redirect: `/kiosk/${step}` }
  },
})

export const kioskMoveStepPage = pageRoute({
  method: 'post',
  path: '/kiosk/step',
  access,
  form: z.object({ step: z.enum(['read', 'choose', 'sign']) }),
  handle: async ({ deps, principal, body }) => {
    const session = await currentKioskSession(deps, principal)
    if (!session || session.state.step === 'receipt') return { redirect: '/kiosk' }
    // Signing a draft goes through the choice; a confirmation at majority has none to make.
    const confirming = session.state.purpose === 'confirm_majority'
    const step = confirming ? (body.step === 'read' ? 'read' : 'sign') : body.step
    if (step === 'sign' && !confirming) return { redirect: `/kiosk/${session.state.step}` }
    await moveToStep(deps, principal, step)
    return { redirect: `/kiosk/${step}` }
  },
})

export const kioskReadPage = pageRoute({
  method: 'get',
  path: '/kiosk/read',
  access,
  handle: async ({ deps, req, principal }) => {
    const session = await sessionAt(deps, principal, 'read')
    if ('redirect' in session) return session
    const lang = session.state.language
    // What is rendered here is recorded as displayed: the signature will prove this text.
    const rendered = await showTextAtKiosk(deps, principal, { language: lang })
    return page(deps, req, {
      title: say(lang, 'titleRead'),
      language: lang,
      personal: true,
      body: kioskReadView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        language: lang,
        text: rendered.text,
        confirming: session.state.purpose === 'confirm_majority',
      }),
    })
  },
})

async function renderChoose(
  deps: Deps,
  req: Request,
  principal: Principal,
  session: KioskSession,
  error?: string,
) {
  const { consent, state } = session
  const lang = state.language
  const names = new Map((await listAgencies(deps.db)).map((a) => [a.id, a.name]))
  const term = (c: string): ChoiceItem => {
    const t = vocabulary.categories[c]
    const special = isSpecialCategory(vocabulary, c)
    return {
      id: c,
      label: t ? localized(t.label, lang) : c,
      ...(t ? { explanation: localized(t.explanation, lang) } : {}),
      checked: special
        ? state.choices.chosenSpecialCategories.includes(c)
        : !state.choices.deselectedCategories.includes(c),
    }
  }
  return page(
    deps,
    req,
    {
      title: say(lang, 'titleChoose'),
      language: lang,
      personal: true,
      body: kioskChooseView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        language: lang,
        recipients: consent.recipients.map((r) => ({
          id: r,
          label: names.get(r) ?? r,
          checked: !state.choices.deselectedRecipients.includes(r),
        })),
        categories: consent.categories.filter((c) => !isSpecialCategory(vocabulary, c)).map(term),
        special: consent.categories.filter((c) => isSpecialCategory(vocabulary, c)).map(term),
        summary: consent.singleTransfer
          ? summaryView(
              deps.kioskSummaries.onKiosk(principal.userId, consent.id),
              consent.singleTransfer.summarySha256,
              lang,
            )
          : null,
        ...(error ? { error } : {}),
      }),
    },
    error ? 400 : 200,
  )
}

export const kioskChoosePage = pageRoute({
  method: 'get',
  path: '/kiosk/choose',
  access,
  handle: async ({ deps, req, principal }) => {
    const session = await sessionAt(deps, principal, 'choose')
    if ('redirect' in session) return session
    return renderChoose(deps, req, principal, session)
  },
})

export const kioskSubmitChoicePage = pageRoute({
  method: 'post',
  path: '/kiosk/choose',
  access,
  form: z.object({ recipient: multi, category: multi }),
  handle: async ({ deps, req, principal, body }) => {
    const session = await sessionAt(deps, principal, 'choose')
    if ('redirect' in session) return session
    try {
      await saveChoices(deps, principal, {
        recipients: body.recipient,
        categories: body.category,
      })
    } catch (error) {
      if (error instanceof KioskError && error.code === 'ERR_KIOSK_CHOICE_EMPTY')
        return renderChoose(
          deps,
          req,
          principal,
          session,
          say(session.state.language, 'errorChoiceEmpty'),
        )
      throw error
    }
    return { redirect: '/kiosk/sign' }
  },
})

type SignWidgetState = Omit<SignatureWidgetInput, 'language'>

async function renderSign(
  deps: Deps,
  req: Request,
  session: KioskSession,
  widget: SignWidgetState = { way: 'drawn', name: '' },
) {
  const confirming = session.state.purpose === 'confirm_majority'
  const role = confirming ? 'youth' : (nextSignatory(session.consent) ?? 'youth')
  const steps = Math.max(
    session.consent.requiredSignatories.length,
    session.consent.signatures.length + session.consent.missingSignatories.length,
  )
  return page(
    deps,
    req,
    {
      title: say(session.state.language, 'titleSign'),
      language: session.state.language,
      personal: true,
      body: kioskSignView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        language: session.state.language,
        role,
        step: confirming ? 1 : session.consent.signatures.length + 1,
        steps: confirming ? 1 : steps,
        confirming,
        widget,
      }),
    },
    widget.problem ? 400 : 200,
  )
}

const signatureForm = z.object({
  name: z.string().trim().max(200).default(''),
  /** `drawn`: the pad's PNG in `evidence`; `typed`: the name with the ticked `confirm`. */
  way: z.enum(['drawn', 'typed']).default('drawn'),
  evidence: z.string().max(700_000).default(''),
  confirm: z.string().max(10).optional(),
})

/**
 * The signature the sign page posted, as method and evidence — or what the person still has to
 * do. A typed signature records the typed name with the sentence the person confirmed, in the
 * language the kiosk showed it (`kiosk_typed`).
 */
function signatureFrom(
  form: z.infer<typeof signatureForm>,
  language: string,
  requireName: boolean,
):
  | { ok: true; method: KioskSignatureMethod; evidence: string; name: string }
  | { ok: false; problem: SigningProblem } {
  const typed = form.way === 'typed'
  if ((requireName || typed) && form.name === '') return { ok: false, problem: 'name' }
  const name = form.name === '' ? undefined : personNameSchema.safeParse(form.name)
  if (name && !name.success) return { ok: false, problem: 'name_invalid' }
  if (!typed)
    return form.evidence === ''
      ? { ok: false, problem: 'drawing' }
      : { ok: true, method: 'kiosk_drawn', evidence: form.evidence, name: name?.data ?? '' }
  if (form.confirm !== 'yes') return { ok: false, problem: 'confirm' }
  const typedName = name?.data ?? ''
  return {
    ok: true,
    method: 'kiosk_typed',
    evidence: typedSignatureEvidence({
      typedName,
      confirmation: signingStringsFor(language).typedConfirm,
      language,
    }),
    name: typedName,
  }
}

export const kioskSignPage = pageRoute({
  method: 'get',
  path: '/kiosk/sign',
  access,
  handle: async ({ deps, req, principal }) => {
    const session = await sessionAt(deps, principal, 'sign')
    if ('redirect' in session) return session
    return renderSign(deps, req, session)
  },
})

export const kioskSubmitSignaturePage = pageRoute({
  method: 'post',
  path: '/kiosk/sign',
  access,
  bodyLimit: 800 * 1024,
  form: signatureForm,
  handle: async ({ deps, req, principal, body }) => {
    const session = await sessionAt(deps, principal, 'sign')
    if ('redirect' in session) return session
    const again = (problem: SigningProblem) =>
      renderSign(deps, req, session, { way: body.way, name: body.name, problem })
    const signature = signatureFrom(body, session.state.language, true)
    if (!signature.ok) return again(signature.problem)
    try {
      const { complete } = await signAtKiosk(deps, principal, signature)
      return { redirect: complete ? '/kiosk/receipt' : '/kiosk/sign' }
    } catch (error) {
      if (error instanceof ConsentError && error.code === 'ERR_CONSENT_EVIDENCE_INVALID')
        return again(signature.method === 'kiosk_typed' ? 'name_invalid' : 'drawing')
      throw error
    }
  },
})

export const kioskSubmitConfirmationPage = pageRoute({
  method: 'post',
  path: '/kiosk/confirm',
  access,
  bodyLimit: 800 * 1024,
  form: signatureForm,
  handle: async ({ deps, req, principal, body }) => {
    const session = await sessionAt(deps, principal, 'sign')
    if ('redirect' in session) return session
    if (session.state.purpose !== 'confirm_majority') return { redirect: '/kiosk/sign' }
    const again = (problem: SigningProblem) =>
      renderSign(deps, req, session, { way: body.way, name: body.name, problem })
    // A drawn confirmation needs no name (the consent names the young adult); a typed one does.
    const signature = signatureFrom(body, session.state.language, false)
    if (!signature.ok) return again(signature.problem)
    try {
      await confirmMajorityAtKiosk(deps, principal, signature)
    } catch (error) {
      if (error instanceof ConsentError && error.code === 'ERR_CONSENT_EVIDENCE_INVALID')
        return again(signature.method === 'kiosk_typed' ? 'name_invalid' : 'drawing')
      throw error
    }
    return { redirect: withLang('/kiosk/done?confirmed=1', session.state.language) }
  },
})

export const kioskDeclinePage = pageRoute({
  method: 'post',
  path: '/kiosk/decline',
  access,
  form: z.object({ reason: z.string().trim().max(500).optional() }),
  handle: async ({ deps, principal, body }) => {
    const session = await currentKioskSession(deps, principal)
    if (session && session.state.step !== 'receipt')
      await declineAtKiosk(deps, principal, body.reason ? { reason: body.reason } : {})
    return { redirect: withLang('/kiosk/done', session?.state.language ?? 'de') }
  },
})

export const kioskReceiptPage = pageRoute({
  method: 'get',
  path: '/kiosk/receipt',
  access,
  handle: async ({ deps, req, principal }) => {
    const session = await sessionAt(deps, principal, 'receipt')
    if ('redirect' in session) return session
    const code = session.state.receiptCode
    const receipt = code
      ? await findReceiptByCodeHash(deps.db, hashReceiptCode(code, deps.config.secrets.masterKey))
      : undefined
    const language = session.state.language
    // Shown and printed here; never a file in the shared tablet's downloads (the sealed PDF
    // is the person's at /me).
    return page(deps, req, {
      title: receiptStringsFor(language).title[session.consent.kind],
      language,
      personal: true,
      body: kioskReceiptView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        receipt: await receiptDocumentOf(deps, {
          consent: session.consent,
          language,
          code,
          receiptId: receipt?.id ?? null,
        }),
      }),
    })
  },
})

export const kioskFinishPage = pageRoute({
  method: 'post',
  path: '/kiosk/finish',
  access,
  handle: async ({ deps, principal }) => {
    const session = await currentKioskSession(deps, principal)
    await wipeKiosk(deps, principal)
    // The device forgets the person; the thank-you stays in their language.
    return { redirect: withLang('/kiosk/done', session?.state.language ?? 'de') }
  },
})

export const kioskWipePage = pageRoute({
  method: 'post',
  path: '/kiosk/wipe',
  access,
  handle: async ({ deps, principal }) => {
    await wipeKiosk(deps, principal)
    return { redirect: '/kiosk' }
  },
})

export const kioskDonePage = pageRoute({
  method: 'get',
  path: '/kiosk/done',
  access,
  handle: async ({ deps, req, query }) => {
    const language = languageFromQuery(query)
    return page(deps, req, {
      title: say(language, 'titleDone'),
      language,
      personal: false,
      body: kioskDoneView({ language, confirmed: query.confirmed === '1' }),
    })
  },
})

export const kioskRevokeFormPage = pageRoute({
  method: 'get',
  path: '/kiosk/revoke',
  access,
  handle: async ({ deps, req, query }) => {
    const language = languageFromQuery(query)
    return page(deps, req, {
      title: say(language, 'revokeHeading'),
      language,
      personal: true,
      body: kioskRevokeView({ csrf: await csrfTokenOf(deps, req.headers.cookie), language }),
    })
  },
})

export const kioskRevokePage = pageRoute({
  method: 'post',
  path: '/kiosk/revoke',
  access,
  form: z.object({
    receiptCode: z.string().trim().max(40).default(''),
    birthDate: z.string().max(20).default(''),
    confirm: z.string().max(10).optional(),
    language: chosenLanguage,
  }),
  handle: async ({ deps, limits, req, principal, body }) => {
    const csrf = await csrfTokenOf(deps, req.headers.cookie)
    const language = body.language ?? 'de'
    const title = say(language, 'revokeHeading')
    const again = (status: number, error: string) =>
      page(
        deps,
        req,
        { title, language, personal: true, body: kioskRevokeView({ csrf, language, error }) },
        status,
      )
    if (body.confirm !== 'yes') return again(400, say(language, 'errorConfirmRevoke'))
    if (!limits.kioskRevoke.attempt(principal.userId))
      return again(429, say(language, 'errorTooManyAttempts', { minutes: 15 }))
    try {
      await revokeAtKiosk(deps, principal, {
        receiptCode: body.receiptCode,
        birthDate: body.birthDate,
      })
    } catch (error) {
      const failure = toHttpFailure(error)
      if (!failure) throw error
      return again(
        failure.status,
        say(
          language,
          failure.code === 'ERR_CONSENT_NOT_ACTIVE' ? 'errorNotActive' : 'errorCodeOrBirthDate',
        ),
      )
    }
    return page(deps, req, {
      title: say(language, 'revokedHeading'),
      language,
      personal: false,
      body: kioskRevokeView({ csrf, language, done: true }),
    })
  },
})

/** The kiosk's pages (docs/design.md §6 `/kiosk`): read, choose, sign, receipt; wiped after use. */
export const kioskPageRoutes: AnyPageRoute[] = [
  kioskStartPage,
  kioskPickupPage,
  kioskTakePushedPage,
  kioskLanguagePage,
  kioskMoveStepPage,
  kioskReadPage,
  kioskChoosePage,
  kioskSubmitChoicePage,
  kioskSignPage,
  kioskSubmitSignaturePage,
  kioskSubmitConfirmationPage,
  kioskDeclinePage,
  kioskReceiptPage,
  kioskFinishPage,
  kioskWipePage,
  kioskDonePage,
  kioskRevokeFormPage,
  kioskRevokePage,
]
