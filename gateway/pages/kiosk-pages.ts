import type { Request } from 'express'
import { z } from 'zod'
import type { Principal } from '../../accounts/roles.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import { isSpecialCategory, localized } from '../../consent/vocabulary.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { html } from '../../templates/pages/html.ts'
import {
  kioskChooseView,
  kioskDoneView,
  kioskFrame,
  kioskReadView,
  kioskRevokeView,
  kioskSignView,
  kioskStartView,
  type ChoiceItem,
} from '../../templates/pages/kiosk/kiosk-views.ts'
import type { KioskSignatureMethod } from '../../consent/consent.ts'
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
  kioskLanguages,
  moveToStep,
  nextSignatory,
  revokeAtKiosk,
  rtlLanguages,
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
import { summaryOnKiosk, type KioskSummary } from '../kiosk/kiosk-summaries.ts'
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
function summaryHtml(summary: KioskSummary | undefined, sha256: string, lang: string) {
  const label = (c: string) => {
    const t = vocabulary.categories[c]
    return t ? localized(t.label, lang) : c
  }
  if (!summary)
    return html`<p>
        Diese Einwilligung gilt nur für eine Zusammenfassung. Bitten Sie Ihre Fachkraft, sie Ihnen
        zu zeigen, bevor Sie unterschreiben.
      </p>
      <p class="hash">SHA-256: ${sha256}</p>`
  return html`<p>Genau diese Zusammenfassung wird übermittelt, sonst nichts:</p>
    ${summary.sections.map(
      (s) =>
        html`<article class="summary-section">
          <h3>${s.title} <span class="explanation">(${label(s.category)})</span></h3>
          <p lang="de" class="summary-body">${s.body}</p>
        </article>`,
    )}
    <p class="hash">SHA-256: ${sha256}</p>`
}

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
      rtl: rtlLanguages.includes(language),
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
async function startWithError(deps: Deps, req: Request, principal: Principal, error: unknown) {
  const failure = toHttpFailure(error)
  if (!failure) throw error
  return page(
    deps,
    req,
    {
      title: 'Kiosk',
      personal: false,
      body: kioskStartView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        pushed: await hasPushedDraft(deps, principal),
        error:
          failure.code === 'ERR_KIOSK_RATE_LIMITED'
            ? `Zu viele Versuche. Bitte warten Sie ${pickupLimits.windowMinutes} Minuten oder fragen Sie Ihre Fachkraft.`
            : 'Dieser Code ist unbekannt oder abgelaufen. Bitte fragen Sie Ihre Fachkraft.',
      }),
    },
    failure.status,
  )
}

export const kioskStartPage = pageRoute({
  method: 'get',
  path: '/kiosk',
  access,
  handle: async ({ deps, req, principal }) => {
    const session = await currentKioskSession(deps, principal)
    if (session) return { redirect: `/kiosk/${session.state.step}` }
    return page(deps, req, {
      title: 'Kiosk',
      personal: false,
      body: kioskStartView({
        csrf: await csrfTokenOf(deps, req.headers.cookie),
        pushed: await hasPushedDraft(deps, principal),
      }),
    })
  },
})

export const kioskPickupPage = pageRoute({
  method: 'post',
  path: '/kiosk/pickup',
  access,
  form: z.object({ code: z.string().trim().min(1).max(20) }),
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
        () => startFromPickupCode(deps, principal, body.code),
      )
    } catch (error) {
      return startWithError(deps, req, principal, error)
    }
    return { redirect: '/kiosk/read' }
  },
})

export const kioskTakePushedPage = pageRoute({
  method: 'post',
  path: '/kiosk/take-pushed',
  access,
  handle: async ({ deps, req, principal }) => {
    try {
      await startFromPush(deps, principal)
    } catch (error) {
      return startWithError(deps, req, principal, error)
    }
    return { redirect: '/kiosk/read' }
  },
})

export const kioskLanguagePage = pageRoute({
  method: 'post',
  path: '/kiosk/language',
  access,
  form: z.object({ language: z.enum(kioskLanguages) }),
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
      title: 'Erklärung lesen',
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
      title: 'Auswählen',
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
          ? summaryHtml(
              summaryOnKiosk(principal.userId, consent.id),
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
          'Mindestens ein Empfänger und eine Datenart müssen ausgewählt bleiben. Wenn Sie nichts weitergeben wollen, wählen Sie „Nicht zustimmen“.',
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
      title: 'Unterschreiben',
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
    return { redirect: '/kiosk/done?confirmed=1' }
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
    return { redirect: '/kiosk/done' }
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
    await wipeKiosk(deps, principal)
    return { redirect: '/kiosk/done' }
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
  handle: async ({ deps, req, query }) =>
    page(deps, req, {
      title: 'Danke',
      personal: false,
      body: kioskDoneView(
        query.confirmed === '1'
          ? 'Danke. Sie haben die Einwilligung selbst bestätigt. Das Gerät ist wieder frei.'
          : 'Danke. Das Gerät ist wieder frei.',
      ),
    }),
})

export const kioskRevokeFormPage = pageRoute({
  method: 'get',
  path: '/kiosk/revoke',
  access,
  handle: async ({ deps, req }) =>
    page(deps, req, {
      title: 'Widerrufen',
      personal: true,
      body: kioskRevokeView({ csrf: await csrfTokenOf(deps, req.headers.cookie) }),
    }),
})

export const kioskRevokePage = pageRoute({
  method: 'post',
  path: '/kiosk/revoke',
  access,
  form: z.object({
    receiptCode: z.string().trim().max(40).default(''),
    birthDate: z.string().max(20).default(''),
    confirm: z.string().max(10).optional(),
  }),
  handle: async ({ deps, limits, req, principal, body }) => {
    const csrf = await csrfTokenOf(deps, req.headers.cookie)
    const again = (status: number, error: string) =>
      page(
        deps,
        req,
        { title: 'Widerrufen', personal: true, body: kioskRevokeView({ csrf, error }) },
        status,
      )
    if (body.confirm !== 'yes') return again(400, 'Bitte bestätigen Sie den Widerruf.')
    if (!limits.kioskRevoke.attempt(principal.userId))
      return again(429, 'Zu viele Versuche. Bitte warten Sie 15 Minuten.')
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
        failure.code === 'ERR_CONSENT_NOT_ACTIVE'
          ? 'Diese Einwilligung ist nicht mehr gültig; es gibt nichts zu widerrufen.'
          : 'Code oder Geburtsdatum stimmen nicht.',
      )
    }
    return page(deps, req, {
      title: 'Widerrufen',
      personal: false,
      body: kioskRevokeView({ csrf, done: true }),
    })
  },
})

/** The kiosk's pages (DESIGN.md §6 `/kiosk`): read, choose, sign, receipt; wiped after use. */
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
