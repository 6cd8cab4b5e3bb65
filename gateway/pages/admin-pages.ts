import { z } from 'zod'
import { AccountError } from '../../accounts/account-error.ts'
import {
  identifierSchema,
  newAgencySchema,
  newUserSchema,
  type User,
} from '../../accounts/account-schemas.ts'
import {
  mayAdminister,
  type AccountAction as AccountRuleAction,
} from '../../accounts/admin-permissions.ts'
import { mayManageFederation } from '../../accounts/federation-permissions.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { agencyKindSchema } from '../../config/agency-kinds.ts'
import { findUser, listAgencies } from '../../db/account-repository.ts'
import { listHostedAgencyIds } from '../../db/federation-repository.ts'
import { listLiveApiTokens } from '../../db/api-token-repository.ts'
import { html, type SafeHtml } from '../../templates/pages/html.ts'
import { layout } from '../../templates/pages/layout.ts'
import {
  adminAccountCreatedView,
  adminPasswordResetView,
  adminView,
  type AdminTokenView,
  type AdminViewInput,
} from '../../templates/pages/admin/admin-view.ts'
import {
  disableAccount,
  enableAccount,
  endAllSessions,
  resetPassword,
  revokeAllTokens,
  revokeToken,
} from '../accounts/account-lockout.ts'
import { addAgency, addUser } from '../accounts/account-service.ts'
import { certificateWarningDays, loadCertificateOverview } from '../admin/certificate-overview.ts'
import { listDeliveredMails } from '../admin/delivered-mails.ts'
import { leverNotice } from '../admin/lever-notice.ts'
import { loadRelayLevers } from '../admin/relay-levers.ts'
import { listAllAccounts } from '../admin/list-accounts.ts'
import { requireAdministrableAccount } from '../admin/account-admin.ts'
import { generatePassword } from '../auth/password.ts'
import { tokenIdSchema } from '../auth/tokens.ts'
import type { Deps } from '../deps.ts'
import { accountErrorStatus } from '../http/account-error-status.ts'
import { ApiError } from '../http/api-error.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { whoOf } from './home-pages.ts'

const adminOnly = ['admin'] as const

const fieldLabels: Record<string, string> = {
  id: 'Kennung',
  name: 'Name',
  kind: 'Art',
  mailbox: 'Funktionspostfach',
  smimeProfile: 'S/MIME-Profil',
  controller: 'Verantwortliche Stelle',
  dpoContact: 'Datenschutzbeauftragte',
  supervisoryAuthority: 'Aufsichtsbehörde',
  displayName: 'Name',
  role: 'Rolle',
  agencyId: 'Behörde',
  allAgencies: 'DPO für alle Behörden',
}

function problemsOf(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string[] {
  return issues.map((issue) => {
    const field = String(issue.path.at(-1) ?? '')
    return `${fieldLabels[field] ?? field}: ${germanMessage(issue.message)}`
  })
}

// The account schemas speak English (they also serve the API and CLI); the page says it in German.
function germanMessage(message: string): string {
  if (message.includes('lower-case')) return 'nur Kleinbuchstaben, Ziffern und Bindestriche (2–63).'
  if (message.includes('must belong to an agency'))
    return 'dieses Konto muss zu einer Behörde gehören.'
  if (message.includes('belongs to an agency or is granted all'))
    return 'eine Behörde wählen oder „für alle Behörden“ ankreuzen.'
  if (message.includes('only a DPO')) return 'nur für Datenschutzbeauftragte.'
  if (message.includes('>=5')) return 'fehlt oder ist zu kurz.'
  if (message.includes('one line')) return 'nur eine Zeile.'
  return 'ungültige Angabe.'
}

export async function renderAdmin(
  deps: Deps,
  ctx: { principal: Principal; cookie: string | undefined },
  extra: Partial<AdminViewInput> & { status?: number } = {},
): Promise<PageResult> {
  const now = deps.clock.now()
  const [who, agencies, certificates, accounts, mails, tokens, levers, hosted] = await Promise.all([
    whoOf(deps, ctx.principal, ctx.cookie),
    listAgencies(deps.db),
    loadCertificateOverview(deps, now),
    listAllAccounts(deps),
    deps.config.smtpUrl ? undefined : listDeliveredMails(deps),
    listLiveApiTokens(deps.db, now),
    loadRelayLevers(deps, ctx.principal),
    listHostedAgencyIds(deps.db),
  ])
  const liveTokens = new Map<string, AdminTokenView[]>()
  for (const token of tokens) {
    const list = liveTokens.get(token.userId) ?? []
    list.push({ tokenId: token.tokenId, expiresAt: token.expiresAt })
    liveTokens.set(token.userId, list)
  }
  const { status, ...rest } = extra
  return {
    status: status ?? 200,
    html: layout({
      title: 'Verwaltung',
      who,
      styles: ['/assets/dpo.css', '/assets/admin.css'],
      body: adminView({
        csrfToken: who.csrfToken,
        agencies,
        certificates,
        warningDays: certificateWarningDays,
        accounts: accounts.filter((account) =>
          mayAdminister(ctx.principal, { kind: 'account', action: 'view', account }),
        ),
        liveTokens,
        selfId: ctx.principal.userId,
        agencyKinds: agencyKindSchema.options,
        deliveredMails: mails,
        levers,
        federation: {
          mayImportCards: mayManageFederation(ctx.principal, { kind: 'import_card' }),
          agencies: agencies
            .filter((a) =>
              mayManageFederation(ctx.principal, { kind: 'set_profile', agencyId: a.id }),
            )
            .map((a) => ({
              id: a.id,
              name: a.name,
              smimeProfile: a.smimeProfile,
              hosted: hosted.has(a.id),
            })),
        },
        ...rest,
      }),
    }),
  }
}

const addedSchema = z.string().regex(/^(agency|card|profile):[a-z0-9][a-z0-9-]{1,62}$/)

/** What an account action did, carried to the page after its redirect (`?done=<what>:<id>`). */
const doneSchema = z
  .string()
  .regex(/^[a-z-]+:[a-z0-9][a-z0-9-]{1,62}$/)
  .transform((value) => {
    const [action = '', id = ''] = value.split(':')
    return { action, id }
  })
  .pipe(
    z.object({
      action: z.enum(['disabled', 'enabled', 'sessions-ended', 'tokens-revoked', 'token-revoked']),
      id: z.string(),
    }),
  )
type DoneAction = z.output<typeof doneSchema>['action']

function doneNotice(action: DoneAction, user: User | undefined, id: string): SafeHtml {
  switch (action) {
    case 'disabled':
      return html`Konto <code>${id}</code> gesperrt: Anmeldung nicht mehr möglich, Sitzungen
        beendet, alle API-Tokens widerrufen${user?.role === 'kiosk' ? ', Kiosk-Gerät geleert' : ''}.`
    case 'enabled':
      return html`Konto <code>${id}</code> entsperrt. Frühere API-Tokens bleiben widerrufen.`
    case 'sessions-ended':
      return html`Alle Sitzungen von <code>${id}</code> beendet.`
    case 'tokens-revoked':
      return html`Alle bisher ausgegebenen API-Tokens von <code>${id}</code> widerrufen.`
    case 'token-revoked':
      return html`Ein API-Token von <code>${id}</code> widerrufen.`
  }
}

export const adminPage = pageRoute({
  method: 'get',
  path: '/admin',
  access: adminOnly,
  handle: async ({ deps, principal, query, req }) => {
    const added = addedSchema.safeParse(query.added)
    let notice: SafeHtml | undefined
    if (added.success) {
      const [what, id] = added.data.split(':')
      notice =
        what === 'card'
          ? html`Partnerkarte von <code>${id}</code> importiert.`
          : what === 'profile'
            ? html`S/MIME-Profil von <code>${id}</code> geändert.`
            : html`Behörde <code>${id}</code> angelegt.`
    }
    notice = leverNotice(query.lever) ?? notice
    const done = doneSchema.safeParse(query.done)
    if (done.success) {
      const { action, id } = done.data
      notice = doneNotice(action, await findUser(deps.db, id), id)
    }
    return renderAdmin(deps, { principal, cookie: req.headers.cookie }, { notice })
  },
})

const text = z.string().max(300).optional()

export const addAgencyPage = pageRoute({
  method: 'post',
  path: '/admin/agencies',
  access: adminOnly,
  form: z.strictObject({
    id: text,
    name: text,
    kind: text,
    mailbox: text,
    smimeProfile: text,
    controller: text,
    dpoContact: text,
    supervisoryAuthority: text,
  }),
  handle: async ({ deps, principal, body, req }) => {
    const ctx = { principal, cookie: req.headers.cookie }
    const values = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, (v ?? '').trim()]),
    ) as Record<string, string>
    const parsed = newAgencySchema.safeParse({
      id: values.id,
      name: values.name,
      kind: values.kind,
      mailbox: values.mailbox,
      smimeProfile: values.smimeProfile || undefined,
      // All three or none; one given makes the others required.
      privacyNotice:
        values.controller || values.dpoContact || values.supervisoryAuthority
          ? {
              controller: values.controller ?? '',
              dpoContact: values.dpoContact ?? '',
              supervisoryAuthority: values.supervisoryAuthority ?? '',
            }
          : null,
    })
    if (!parsed.success)
      return renderAdmin(deps, ctx, {
        status: 400,
        agencyForm: { values, problems: problemsOf(parsed.error.issues) },
      })
    if (!mayManageFederation(principal, { kind: 'register_agency' }))
      return renderAdmin(deps, ctx, {
        status: 403,
        agencyForm: {
          values,
          problems: ['Neue Behörden legt nur die Verwaltung der ganzen Instanz an.'],
        },
      })
    try {
      await addAgency(deps, { actor: actorOf(principal), agency: parsed.data })
    } catch (error) {
      if (error instanceof ApiError && error.code === 'conflict')
        return renderAdmin(deps, ctx, {
          status: 409,
          agencyForm: {
            values,
            problems: ['Kennung oder Funktionspostfach ist schon einer Behörde zugeordnet.'],
          },
        })
      throw error
    }
    return { redirect: `/admin?added=agency:${parsed.data.id}` }
  },
})

export const addAccountPage = pageRoute({
  method: 'post',
  path: '/admin/users',
  access: adminOnly,
  form: z.strictObject({
    id: text,
    displayName: text,
    role: text,
    agencyId: text,
    allAgencies: text,
  }),
  handle: async ({ deps, principal, body, req }) => {
    const ctx = { principal, cookie: req.headers.cookie }
    const values = Object.fromEntries(
      Object.entries(body).map(([k, v]) => [k, (v ?? '').trim()]),
    ) as Record<string, string>
    const password = generatePassword()
    const parsed = newUserSchema.safeParse({
      id: values.id,
      displayName: values.displayName,
      role: values.role,
      agencyId: values.agencyId ? values.agencyId : null,
      allAgencies: values.allAgencies === 'yes',
      password,
    })
    if (!parsed.success)
      return renderAdmin(deps, ctx, {
        status: 400,
        accountForm: { values, problems: problemsOf(parsed.error.issues) },
      })
    if (!mayAdminister(principal, { kind: 'account', action: 'create', account: parsed.data }))
      return renderAdmin(deps, ctx, {
        status: 403,
        accountForm: {
          values,
          problems: [
            'Konten anderer Behörden und Konten ohne Behörde legt nur die Verwaltung der ganzen Instanz an.',
          ],
        },
      })
    try {
      const user = await addUser(deps, { actor: actorOf(principal), user: parsed.data })
      const who = await whoOf(deps, principal, req.headers.cookie)
      return {
        html: layout({
          title: 'Konto angelegt',
          who,
          styles: ['/assets/dpo.css', '/assets/admin.css'],
          body: adminAccountCreatedView({ user, password }),
        }),
      }
    } catch (error) {
      if (
        error instanceof ApiError &&
        (error.code === 'conflict' || error.code === 'validation_failed')
      )
        return renderAdmin(deps, ctx, {
          status: error.code === 'conflict' ? 409 : 400,
          accountForm: {
            values,
            problems: [
              error.code === 'conflict'
                ? 'Diese Kennung ist schon vergeben.'
                : 'Die gewählte Behörde gibt es nicht.',
            ],
          },
        })
      throw error
    }
  },
})

// Taking access away from an account (issue 8 point 8): one form post per action, CSRF-checked
// by mountPageRoutes, the same use cases as the CLI and the API.

/** German reasons for the account actions' refusals; anything else goes to the error page. */
const accountProblems: Partial<Record<AccountError['code'], string>> = {
  ERR_ACCOUNT_NOT_FOUND: 'Dieses Konto gibt es nicht.',
  ERR_ACCOUNT_LAST_ADMIN:
    'Das ist die letzte aktive Administration. Legen Sie erst eine weitere an oder entsperren ' +
    'Sie eine, sonst kann niemand mehr die Verwaltung öffnen.',
  ERR_ACCOUNT_TOKEN_NOT_FOUND:
    'Dieses API-Token ist nicht (mehr) aktiv – abgelaufen, widerrufen oder unbekannt.',
}

type AccountAction = (input: {
  deps: Deps
  principal: Principal
  userId: string
  form: Record<string, string | undefined>
  cookie: string | undefined
}) => Promise<PageResult>

function accountActionPage(
  path: string,
  rule: AccountRuleAction,
  form: z.ZodType<Record<string, string | undefined>>,
  action: AccountAction,
) {
  return pageRoute({
    method: 'post',
    path: `/admin/users/:userId/${path}`,
    access: adminOnly,
    form,
    handle: async ({ deps, principal, params, body, req }) => {
      try {
        const userId = identifierSchema.safeParse(params.userId)
        if (!userId.success) throw new AccountError('ERR_ACCOUNT_NOT_FOUND', 'No such account.')
        await requireAdministrableAccount(deps, { principal, userId: userId.data, action: rule })
        return await action({
          deps,
          principal,
          userId: userId.data,
          form: body,
          cookie: req.headers.cookie,
        })
      } catch (error) {
        if (!(error instanceof AccountError)) throw error
        const problem = accountProblems[error.code]
        if (!problem) throw error
        return renderAdmin(
          deps,
          { principal, cookie: req.headers.cookie },
          { status: accountErrorStatus[error.code], problem },
        )
      }
    },
  })
}

const noFields = z.strictObject({})

export const disableAccountPage = accountActionPage(
  'disable',
  'disable',
  noFields,
  async ({ deps, principal, userId }) => {
    await disableAccount(deps, { actor: actorOf(principal), userId, protectLastAdmin: true })
    return { redirect: `/admin?done=disabled:${userId}` }
  },
)

export const enableAccountPage = accountActionPage(
  'enable',
  'enable',
  noFields,
  async ({ deps, principal, userId }) => {
    await enableAccount(deps, { actor: actorOf(principal), userId })
    return { redirect: `/admin?done=enabled:${userId}` }
  },
)

export const resetPasswordPage = accountActionPage(
  'password-reset',
  'reset_password',
  noFields,
  async ({ deps, principal, userId, cookie }) => {
    const result = await resetPassword(deps, { actor: actorOf(principal), userId })
    // An admin who reset their own password ended their own session with it; the page still
    // shows the new password once.
    const who = await whoOf(deps, principal, cookie)
    return {
      html: layout({
        title: 'Neues Passwort',
        who,
        styles: ['/assets/dpo.css', '/assets/admin.css'],
        body: adminPasswordResetView({
          user: result.account,
          password: result.password,
          sessionsEnded: result.sessionsEnded,
        }),
      }),
    }
  },
)

export const endSessionsPage = accountActionPage(
  'sessions/end',
  'end_sessions',
  noFields,
  async ({ deps, principal, userId }) => {
    await endAllSessions(deps, { actor: actorOf(principal), userId })
    return { redirect: `/admin?done=sessions-ended:${userId}` }
  },
)

export const revokeTokensPage = accountActionPage(
  'tokens/revoke',
  'revoke_tokens',
  z.strictObject({ jti: z.string().max(200).optional() }),
  async ({ deps, principal, userId, form }) => {
    const actor = actorOf(principal)
    if (form.jti) {
      const tokenId = tokenIdSchema.safeParse(form.jti)
      if (!tokenId.success) throw new AccountError('ERR_ACCOUNT_TOKEN_NOT_FOUND', 'Not a token id.')
      await revokeToken(deps, { actor, tokenId: tokenId.data, userId })
      return { redirect: `/admin?done=token-revoked:${userId}` }
    }
    await revokeAllTokens(deps, { actor, userId })
    return { redirect: `/admin?done=tokens-revoked:${userId}` }
  },
)

/** The admin page under /admin (docs/design.md §6 Pages). */
export const adminPageRoutes: AnyPageRoute[] = [
  adminPage,
  addAgencyPage,
  addAccountPage,
  disableAccountPage,
  enableAccountPage,
  resetPasswordPage,
  endSessionsPage,
  revokeTokensPage,
]
