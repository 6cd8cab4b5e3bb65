import type { Request, Response } from 'express'
import { z } from 'zod'
import { vocabulary } from '../../config/vocabulary.ts'
import { localized } from '../../consent/vocabulary.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { SelfServiceSession } from '../../db/receipt-repository.ts'
import {
  cardTitle,
  selfServiceConfirmRevokeView,
  selfServiceEntryView,
  selfServiceFrame,
  selfServiceOverviewView,
  type ConsentCard,
} from '../../templates/pages/self-service/self-service-views.ts'
import {
  isPersonLanguage,
  personLanguageOf,
  say,
  type PersonLanguage,
} from '../../templates/pages/i18n/person-language.ts'
import { createLoginCsrf, loginCsrfMaxAgeSeconds } from '../auth/login-csrf.ts'
import { parseCookies, serializeCookie } from '../http/cookies.ts'
import type { Deps } from '../deps.ts'
import { toHttpFailure } from '../http/error-status.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { personErrorPage } from '../../templates/pages/person-error-view.ts'
import { selfServiceSessionMinutes } from '../kiosk/kiosk-settings.ts'
import { normaliseReceiptCode, receiptCodePattern } from '../kiosk/receipt-code.ts'
import {
  closeSelfService,
  findSelfService,
  openSelfService,
  revokeBySelfService,
  selfServiceCookieName,
  selfServiceLanguageCookie,
  selfServiceOverview,
  selfServiceProof,
  selfServiceReceiptPdf,
} from '../self-service/self-service-service.ts'
import { selfServiceRecord } from '../self-service/self-service-record.ts'
import {
  buildSelfServiceExport,
  selfServiceExportPdf,
} from '../self-service/self-service-export.ts'

const loginCsrfCookie = 'brucke_me_csrf'
const languageCookie = selfServiceLanguageCookie

/**
 * The page's language: `?lang=` when given (then remembered for `/me` in a browser-session
 * cookie), else the remembered one, else German.
 */
function languageOf(deps: Deps, req: Request, res: Response): PersonLanguage {
  const asked = req.query.lang
  if (isPersonLanguage(asked)) {
    res.append(
      'Set-Cookie',
      serializeCookie(languageCookie, asked, { secure: deps.config.cookieSecure, path: '/me' }),
    )
    return asked
  }
  return personLanguageOf(parseCookies(req.headers.cookie)[languageCookie])
}

const frame = (
  language: PersonLanguage,
  switchTo: string,
  title: string,
  body: Parameters<typeof selfServiceFrame>[0]['body'],
  status = 200,
) => ({ status, html: selfServiceFrame({ title, language, switchTo, body }) }) satisfies PageResult

/** The sign-in form with a fresh login form token (also set as its cookie). */
const entryPage = (
  deps: Deps,
  res: Response,
  language: PersonLanguage,
  status = 200,
  error?: string,
) => {
  const csrf = createLoginCsrf(deps.config.secrets.masterKey).issue(
    'self-service',
    deps.clock.now(),
  )
  res.append(
    'Set-Cookie',
    serializeCookie(loginCsrfCookie, csrf, {
      secure: deps.config.cookieSecure,
      path: '/me',
      maxAgeSeconds: loginCsrfMaxAgeSeconds,
    }),
  )
  return frame(
    language,
    '/me',
    say(language, 'meTitle'),
    selfServiceEntryView({
      csrf,
      language,
      sessionMinutes: selfServiceSessionMinutes,
      ...(error ? { error } : {}),
    }),
    status,
  )
}

const tokenOf = (req: Request) => parseCookies(req.headers.cookie)[selfServiceCookieName]

/** The session of the request's cookie, or undefined. */
const sessionOf = (deps: Deps, req: Request): Promise<SelfServiceSession | undefined> =>
  findSelfService(deps, tokenOf(req))

/** Whether a posted form carries the session's own CSRF token (a page left open too long does not). */
const formTokenMatches = (req: Request, session: SelfServiceSession) =>
  (req.body as Record<string, unknown> | undefined)?._csrf === session.csrfToken

/** A form from an older page of `/me`: said in the person's language, not a silent restart. */
const staleForm = (language: PersonLanguage): PageResult => ({
  status: 403,
  html: personErrorPage({ language, kind: 'stale', home: '/me' }),
})

const clearCookie = (deps: Deps, res: Response) =>
  res.append(
    'Set-Cookie',
    serializeCookie(selfServiceCookieName, '', {
      secure: deps.config.cookieSecure,
      maxAgeSeconds: 0,
      path: '/me',
    }),
  )

async function cardsOf(
  deps: Deps,
  session: SelfServiceSession,
  language: PersonLanguage,
): Promise<ConsentCard[]> {
  const names = new Map((await listAgencies(deps.db)).map((a) => [a.id, a.name]))
  const agency = (id: string) => names.get(id) ?? id
  const category = (c: string) => {
    const t = vocabulary.categories[c]
    return t ? localized(t.label, language) : c
  }
  const purpose = (p: string) => {
    const t = vocabulary.purposes[p]
    return t ? localized(t.label, language) : p
  }
  const overview = await selfServiceOverview(deps, session)
  return overview.map(({ consent, transfers, majority }) => ({
    id: consent.id,
    kind: consent.kind,
    createdAt: consent.createdAt,
    status: consent.status,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    recipients: consent.coveredRecipients.map(agency),
    categories: consent.coveredCategories.map(category),
    purposes: consent.purposes.map(purpose),
    canRevoke: consent.status === 'active',
    majority: majority
      ? {
          state: majority.confirmedAt ? 'confirmed' : majority.lapsedAt ? 'lapsed' : 'awaiting',
          confirmBy: majority.confirmBy,
        }
      : null,
    transfers: transfers.map((t) => ({
      createdAt: t.createdAt,
      from: agency(t.senderAgencyId),
      to: agency(t.recipientAgencyId),
      purpose: purpose(t.purpose),
      categories: t.categories.map(category),
      status: t.status,
      evidence: t.evidence.map((e) => ({
        seq: e.seq,
        type: e.type,
        verified: e.verified,
        pending: e.pending,
      })),
    })),
  }))
}

export const selfServiceEntryPage = pageRoute({
  method: 'get',
  path: '/me',
  access: 'public',
  handle: async ({ deps, req, res }) => {
    const language = languageOf(deps, req, res)
    if (await sessionOf(deps, req)) return { redirect: '/me/consents' }
    return entryPage(deps, res, language)
  },
})

export const selfServiceSignInPage = pageRoute({
  method: 'post',
  path: '/me',
  access: 'public',
  form: z.object({
    receiptCode: z.string().trim().max(40).default(''),
    birthDate: z.string().trim().max(20).default(''),
    _login_csrf: z.string().max(200).default(''),
  }),
  handle: async ({ deps, limits, req, res, body }) => {
    const language = languageOf(deps, req, res)
    const csrf = createLoginCsrf(deps.config.secrets.masterKey).check({
      form: 'self-service',
      cookie: parseCookies(req.headers.cookie)[loginCsrfCookie],
      field: body._login_csrf,
      at: deps.clock.now(),
    })
    if (!csrf.ok) return entryPage(deps, res, language, 403, say(language, 'meErrorStale'))
    const code = normaliseReceiptCode(body.receiptCode)
    // Only well-formed codes are counted per code; every attempt counts per IP.
    const limited =
      !limits.selfServicePerAddress.attempt(req.ip ?? 'unknown') ||
      (receiptCodePattern.test(code) && !limits.selfServicePerCode.attempt(code))
    if (limited) {
      await appendAuditEvent(deps.db, {
        at: deps.clock.now(),
        actor: 'system',
        event: { type: 'self_service_refused', reason: 'rate_limited' },
      })
      return entryPage(
        deps,
        res,
        language,
        429,
        say(language, 'errorTooManyAttempts', { minutes: 15 }),
      )
    }
    try {
      const { token } = await openSelfService(deps, {
        receiptCode: code,
        birthDate: body.birthDate,
      })
      limits.selfServicePerCode.reset(code)
      res.append(
        'Set-Cookie',
        serializeCookie(loginCsrfCookie, '', {
          secure: deps.config.cookieSecure,
          path: '/me',
          maxAgeSeconds: 0,
        }),
      )
      res.append(
        'Set-Cookie',
        serializeCookie(selfServiceCookieName, token, {
          secure: deps.config.cookieSecure,
          path: '/me',
          maxAgeSeconds: selfServiceSessionMinutes * 60,
        }),
      )
      return { redirect: '/me/consents' }
    } catch (error) {
      const failure = toHttpFailure(error)
      if (!failure) throw error
      return entryPage(deps, res, language, 401, say(language, 'errorCodeOrBirthDate'))
    }
  },
})

export const selfServiceConsentsPage = pageRoute({
  method: 'get',
  path: '/me/consents',
  access: 'public',
  handle: async ({ deps, req, res, query }) => {
    const language = languageOf(deps, req, res)
    const session = await sessionOf(deps, req)
    if (!session) return { redirect: '/me' }
    return overviewPage(deps, session, language, {
      ...(query.done === 'revoked' ? { notice: say(language, 'revokedNotice') } : {}),
    })
  },
})

async function overviewPage(
  deps: Deps,
  session: SelfServiceSession,
  language: PersonLanguage,
  messages: { notice?: string; error?: string },
  status = 200,
) {
  return frame(
    language,
    '/me/consents',
    say(language, 'meTitle'),
    selfServiceOverviewView({
      csrf: session.csrfToken,
      language,
      cards: await cardsOf(deps, session, language),
      ...messages,
    }),
    status,
  )
}

const consentIdForm = z.object({
  consentId: z.string().min(1).max(64),
  confirm: z.string().max(10).optional(),
})

export const selfServiceRevokePage = pageRoute({
  method: 'post',
  path: '/me/revoke',
  access: 'public',
  form: consentIdForm,
  handle: async ({ deps, req, res, body }) => {
    const language = languageOf(deps, req, res)
    const session = await sessionOf(deps, req)
    if (!session) return { redirect: '/me' }
    if (!formTokenMatches(req, session)) return staleForm(language)
    if (body.confirm !== 'yes') {
      const card = (await cardsOf(deps, session, language)).find((c) => c.id === body.consentId)
      if (!card) return { redirect: '/me/consents' }
      return frame(
        language,
        '/me/consents',
        say(language, 'confirmRevokeHeading'),
        selfServiceConfirmRevokeView({
          csrf: session.csrfToken,
          language,
          consentId: card.id,
          title: cardTitle(language, card),
        }),
      )
    }
    try {
      await revokeBySelfService(deps, session, body.consentId)
    } catch (error) {
      // Revoked meanwhile (elsewhere, or twice): said in the person's language, not as an error page.
      const failure = toHttpFailure(error)
      if (!failure) throw error
      return overviewPage(
        deps,
        session,
        language,
        { error: say(language, 'errorNotActive') },
        failure.status,
      )
    }
    return { redirect: '/me/consents?done=revoked' }
  },
})

export const selfServiceProofPage = pageRoute({
  method: 'get',
  path: '/me/proof/:seq',
  access: 'public',
  handle: async ({ deps, req, res, params }) => {
    const session = await sessionOf(deps, req)
    if (!session) return { redirect: '/me' }
    const seq = z.coerce
      .number()
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .safeParse(params.seq)
    if (!seq.success) return entryPage(deps, res, languageOf(deps, req, res), 404)
    const document = await selfServiceProof(deps, session, seq.data)
    return {
      file: Buffer.from(JSON.stringify(document, null, 2)),
      contentType: 'application/json',
      filename: `nachweis-${seq.data}.json`,
    }
  },
})

/**
 * The access export (Art. 15 GDPR, § 83 SGB X) in the page's language, as JSON or PDF — like the
 * other `/me` views, a read of what the session's receipt proves (not audited; the sign-in is).
 */
function exportPage(format: 'json' | 'pdf') {
  return pageRoute({
    method: 'get',
    path: `/me/export.${format}`,
    access: 'public',
    handle: async ({ deps, req, res }) => {
      const session = await sessionOf(deps, req)
      if (!session) return { redirect: '/me' }
      const language = languageOf(deps, req, res)
      const record = await selfServiceRecord(deps, session, language)
      const document = await buildSelfServiceExport(deps, record, language)
      const filename = `auskunft-${record.generatedAt.slice(0, 10)}.${format}`
      return format === 'json'
        ? {
            file: Buffer.from(JSON.stringify(document, null, 2)),
            contentType: 'application/json; charset=utf-8',
            filename,
          }
        : { file: await selfServiceExportPdf(document), contentType: 'application/pdf', filename }
    },
  })
}

export const selfServiceExportJsonPage = exportPage('json')
export const selfServiceExportPdfPage = exportPage('pdf')
export const selfServiceReceiptPage = pageRoute({
  method: 'get',
  path: '/me/receipt/:consentId',
  access: 'public',
  handle: async ({ deps, req, params }) => {
    const session = await sessionOf(deps, req)
    if (!session) return { redirect: '/me' }
    const consentId = z.string().min(1).max(64).parse(params.consentId)
    // The person's own device: the sealed PDF is theirs to keep (an attachment, unlike the kiosk).
    const { pdf, kind } = await selfServiceReceiptPdf(deps, session, consentId)
    return { file: pdf, contentType: 'application/pdf', filename: `beleg-${kind}.pdf` }
  },
})

export const selfServiceLogoutPage = pageRoute({
  method: 'post',
  path: '/me/logout',
  access: 'public',
  handle: async ({ deps, req, res }) => {
    const token = tokenOf(req)
    if (token) await closeSelfService(deps, token)
    clearCookie(deps, res)
    return { redirect: '/me' }
  },
})

/**
 * The youth's self-service pages (docs/design.md §6 `/me`): entered with the receipt code and the date
 * of birth, rate-limited per IP and per code, in a short session of its own cookie — never a staff
 * session. Every form carries the session's CSRF token; the sign-in form, before there is a
 * session, a login form token (login CSRF: no foreign site signs a browser into someone's `/me`).
 */
export const selfServicePageRoutes: AnyPageRoute[] = [
  selfServiceEntryPage,
  selfServiceSignInPage,
  selfServiceConsentsPage,
  selfServiceRevokePage,
  selfServiceProofPage,
  selfServiceExportJsonPage,
  selfServiceExportPdfPage,
  selfServiceReceiptPage,
  selfServiceLogoutPage,
]
