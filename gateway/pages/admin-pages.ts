import { z } from 'zod'
import { newAgencySchema, newUserSchema } from '../../accounts/account-schemas.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { agencyKindSchema } from '../../config/agency-kinds.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { html, type SafeHtml } from '../../templates/pages/html.ts'
import { layout } from '../../templates/pages/layout.ts'
import {
  adminAccountCreatedView,
  adminView,
  type AdminViewInput,
} from '../../templates/pages/admin/admin-view.ts'
import { addAgency, addUser } from '../accounts/account-service.ts'
import { certificateWarningDays, loadCertificateOverview } from '../admin/certificate-overview.ts'
import { listDeliveredMails } from '../admin/delivered-mails.ts'
import { listAllAccounts } from '../admin/list-accounts.ts'
import { generatePassword } from '../auth/password.ts'
import type { Deps } from '../deps.ts'
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
  displayName: 'Name',
  role: 'Rolle',
  agencyId: 'Behörde',
  allAgencies: 'DPO für alle Behörden',
}

function problemsOf(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string[] {
  return issues.map((issue) => {
    const field = String(issue.path[0] ?? '')
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
  return 'ungültige Angabe.'
}

async function renderAdmin(
  deps: Deps,
  ctx: { principal: Principal; cookie: string | undefined },
  extra: Partial<AdminViewInput> & { status?: number } = {},
): Promise<PageResult> {
  const now = deps.clock.now()
  const [who, agencies, certificates, accounts, mails] = await Promise.all([
    whoOf(deps, ctx.principal, ctx.cookie),
    listAgencies(deps.db),
    loadCertificateOverview(deps, now),
    listAllAccounts(deps),
    deps.config.smtpUrl ? undefined : listDeliveredMails(deps),
  ])
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
        accounts,
        agencyKinds: agencyKindSchema.options,
        deliveredMails: mails,
        ...rest,
      }),
    }),
  }
}

const addedSchema = z.string().regex(/^agency:[a-z0-9][a-z0-9-]{1,62}$/)

export const adminPage = pageRoute({
  method: 'get',
  path: '/admin',
  access: adminOnly,
  handle: async ({ deps, principal, query, req }) => {
    const added = addedSchema.safeParse(query.added)
    let notice: SafeHtml | undefined
    if (added.success) {
      const [, id] = added.data.split(':')
      notice = html`Behörde <code>${id}</code> angelegt.`
    }
    return renderAdmin(deps, { principal, cookie: req.headers.cookie }, { notice })
  },
})

const text = z.string().max(300).optional()

export const addAgencyPage = pageRoute({
  method: 'post',
  path: '/admin/agencies',
  access: adminOnly,
  form: z.strictObject({ id: text, name: text, kind: text, mailbox: text, smimeProfile: text }),
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
    })
    if (!parsed.success)
      return renderAdmin(deps, ctx, {
        status: 400,
        agencyForm: { values, problems: problemsOf(parsed.error.issues) },
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

/** The admin page under /admin (DESIGN.md §6 Pages). */
export function adminPages(_deps: Deps): AnyPageRoute[] {
  return [adminPage, addAgencyPage, addAccountPage]
}
