import { z } from 'zod'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { buildAuditReport, reportEventTypes } from '../../audit/audit-report.ts'
import { indexEntry } from '../../audit/entry-index.ts'
import { findAgency, listAgencies } from '../../db/account-repository.ts'
import {
  countAuditEntries,
  findAuditRecord,
  searchAuditEntries,
  streamAuditEntries,
  type AuditFilter,
} from '../../db/audit-repository.ts'
import type { SafeHtml } from '../../templates/pages/html.ts'
import { layout } from '../../templates/pages/layout.ts'
import { dpoEntryView } from '../../templates/pages/dpo/dpo-entry-view.ts'
import { dpoFrame, type DpoSection } from '../../templates/pages/dpo/dpo-frame.ts'
import { dpoLogView } from '../../templates/pages/dpo/dpo-log-view.ts'
import {
  dpoReidentifyForm,
  dpoReidentifyResult,
} from '../../templates/pages/dpo/dpo-reidentify-view.ts'
import { dpoReportsView } from '../../templates/pages/dpo/dpo-reports-view.ts'
import { countUnacknowledgedNotices } from '../../db/inbox-repository.ts'
import { listConsentsExpiringSoon } from '../audit/consent-lookups.ts'
import { reidentifySubject } from '../audit/reidentify-subject.ts'
import { verifyAndRecord } from '../audit/verify-audit-log.ts'
import type { Deps } from '../deps.ts'
import { loadChainStatus } from '../dpo/chain-status.ts'
import {
  auditEventTypes,
  auditFilterOf,
  dpoReportQuerySchema,
  dpoScope,
  exportHrefOf,
  logHrefOf,
  parseDpoLogQuery,
} from '../dpo/dpo-log-filter.ts'
import { proveEntry } from '../dpo/entry-proof.ts'
import { ApiError } from '../http/api-error.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { whoOf } from './home-pages.ts'

const pageSize = 50
const expiringWithinDays = 30

/** Renders a DPO page: layout, navigation and the chain status above the page's own content. */
async function renderDpoPage(
  deps: Deps,
  ctx: { principal: Principal; cookie: string | undefined },
  page: { title: string; active: DpoSection; body: SafeHtml; status?: number },
): Promise<PageResult> {
  const [who, status, agency] = await Promise.all([
    whoOf(deps, ctx.principal, ctx.cookie),
    loadChainStatus(deps),
    ctx.principal.agencyId ? findAgency(deps.db, ctx.principal.agencyId) : undefined,
  ])
  const scopeLabel = ctx.principal.allAgencies
    ? 'alle Behörden'
    : `${agency?.name ?? ctx.principal.agencyId ?? '–'} (nur Einträge, die diese Behörde betreffen)`
  return {
    status: page.status ?? 200,
    html: layout({
      title: page.title,
      who,
      styles: ['/assets/dpo.css'],
      body: dpoFrame({
        active: page.active,
        status,
        csrfToken: who.csrfToken,
        scopeLabel,
        body: page.body,
      }),
    }),
  }
}

/** The agencies a DPO may pick in a filter: all, or only their own (fixed). */
async function selectableAgencies(
  deps: Deps,
  principal: Principal,
): Promise<{
  agencies: { id: string; name: string }[]
  fixed: boolean
  /** Every agency by name: an entry of one's own agency may name another. */
  names: { id: string; name: string }[]
}> {
  const all = await listAgencies(deps.db)
  if (principal.allAgencies) return { agencies: all, fixed: false, names: all }
  return { agencies: all.filter((a) => a.id === principal.agencyId), fixed: true, names: all }
}

const dpoOnly = ['dpo'] as const

export const dpoLogPage = pageRoute({
  method: 'get',
  path: '/dpo',
  access: dpoOnly,
  handle: async ({ deps, principal, query, req }) => {
    const parsed = parseDpoLogQuery(query)
    const choice = await selectableAgencies(deps, principal)
    const common = {
      agencies: choice.agencies,
      agencyNames: choice.names,
      agencyFixed: choice.fixed,
      eventTypes: auditEventTypes,
    }
    if (!parsed.ok) {
      const body = dpoLogView({
        ...common,
        values: parsed.query,
        problems: parsed.problems,
        entries: [],
        total: 0,
        newestHref: undefined,
        nextHref: undefined,
        exportHrefs: undefined,
      })
      return renderDpoPage(
        deps,
        { principal, cookie: req.headers.cookie },
        { title: 'Datenschutz · Protokoll', active: 'log', body, status: 400 },
      )
    }
    const filter = auditFilterOf(principal, parsed.query)
    const cursor = parsed.query.cursor !== undefined ? Number(parsed.query.cursor) : undefined
    const [page, total] = await Promise.all([
      searchAuditEntries(deps.db, filter, {
        limit: pageSize,
        order: 'desc',
        ...(cursor !== undefined ? { cursor } : {}),
      }),
      countAuditEntries(deps.db, filter),
    ])
    const body = dpoLogView({
      ...common,
      values: { ...parsed.query, agency: filter.agencyId ?? parsed.query.agency },
      problems: [],
      entries: page.entries,
      total,
      newestHref: cursor !== undefined ? logHrefOf(parsed.query) : undefined,
      nextHref: page.nextCursor !== null ? logHrefOf(parsed.query, page.nextCursor) : undefined,
      exportHrefs: { csv: exportHrefOf(filter, 'csv'), json: exportHrefOf(filter, 'json') },
    })
    return renderDpoPage(
      deps,
      { principal, cookie: req.headers.cookie },
      { title: 'Datenschutz · Protokoll', active: 'log', body },
    )
  },
})

/**
 * One entry, if the DPO may see it: a DPO bound to one agency sees only entries that name it.
 * Another agency's entry answers exactly like a missing one, so its existence is not revealed.
 */
async function visibleEntry(deps: Deps, principal: Principal, rawSeq: string | undefined) {
  const seq = /^\d{1,10}$/.test(rawSeq ?? '') ? Number(rawSeq) : NaN
  const record =
    Number.isSafeInteger(seq) && seq > 0 ? await findAuditRecord(deps.db, seq) : undefined
  const scope = dpoScope(principal, undefined)
  if (!record || (scope !== undefined && !indexEntry(record.event).agencyIds.includes(scope)))
    throw new ApiError(
      'not_found',
      `Einen Eintrag ${rawSeq ?? ''} gibt es in Ihrem Sichtbereich nicht.`,
    )
  return record
}

export const dpoEntryPage = pageRoute({
  method: 'get',
  path: '/dpo/entries/:seq',
  access: dpoOnly,
  handle: async ({ deps, principal, params, req }) => {
    const record = await visibleEntry(deps, principal, params.seq)
    const proof = await proveEntry(deps, record.seq)
    const agencies = await listAgencies(deps.db)
    return renderDpoPage(
      deps,
      { principal, cookie: req.headers.cookie },
      {
        title: `Eintrag ${record.seq}`,
        active: 'log',
        body: dpoEntryView(record, proof, agencies),
      },
    )
  },
})

export const dpoReportsPage = pageRoute({
  method: 'get',
  path: '/dpo/reports',
  access: dpoOnly,
  handle: async ({ deps, principal, query, req }) => {
    const parsed = parseDpoLogQuery(query, dpoReportQuerySchema)
    const choice = await selectableAgencies(deps, principal)
    const common = {
      agencies: choice.agencies,
      agencyNames: choice.names,
      agencyFixed: choice.fixed,
    }
    const ctx = { principal, cookie: req.headers.cookie }
    if (!parsed.ok) {
      const body = dpoReportsView({
        ...common,
        values: parsed.query,
        problems: parsed.problems,
        report: undefined,
        expiring: undefined,
      })
      return renderDpoPage(deps, ctx, { title: 'Berichte', active: 'reports', body, status: 400 })
    }
    const { types: _t, ...base } = auditFilterOf(principal, parsed.query)
    const filter: AuditFilter = { ...base, types: [...reportEventTypes] }
    // The report streams the matching entries page by page, so memory stays flat for any size.
    const report = await buildAuditReport(streamAuditEntries(deps.db, filter))
    const expiring = await listConsentsExpiringSoon(deps, {
      now: deps.clock.now(),
      days: expiringWithinDays,
      ...(filter.agencyId !== undefined ? { agencyId: filter.agencyId } : {}),
    })
    const body = dpoReportsView({
      ...common,
      values: { ...parsed.query, agency: filter.agencyId ?? parsed.query.agency },
      problems: [],
      report,
      expiring: { withinDays: expiringWithinDays, items: expiring },
      unacknowledgedNotices: await countUnacknowledgedNotices(
        deps.db,
        filter.agencyId !== undefined ? { agencyId: filter.agencyId } : {},
      ),
    })
    return renderDpoPage(deps, ctx, { title: 'Berichte', active: 'reports', body })
  },
})

const subjectPseudonymSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:@-]{1,128}$/)

export const dpoReidentifyFormPage = pageRoute({
  method: 'get',
  path: '/dpo/reidentify',
  access: dpoOnly,
  handle: async ({ deps, principal, query, req }) => {
    const who = await whoOf(deps, principal, req.headers.cookie)
    const subject = subjectPseudonymSchema.safeParse(query.subject)
    const body = dpoReidentifyForm({
      csrfToken: who.csrfToken,
      values: subject.success ? { subjectPseudonym: subject.data } : {},
      problems: [],
    })
    return renderDpoPage(
      deps,
      { principal, cookie: req.headers.cookie },
      { title: 'Re-Identifizierung', active: 'reidentify', body },
    )
  },
})

// Checked here rather than by the route's form schema so that mistakes re-show the form in German.
const reidentifyFormSchema = z.strictObject({
  subjectPseudonym: z.string().optional(),
  reason: z.string().optional(),
  confirm: z.string().optional(),
})

export const dpoReidentifyPost = pageRoute({
  method: 'post',
  path: '/dpo/reidentify',
  access: dpoOnly,
  form: reidentifyFormSchema,
  handle: async ({ deps, principal, body, req }) => {
    const ctx = { principal, cookie: req.headers.cookie }
    const subject = subjectPseudonymSchema.safeParse(body.subjectPseudonym ?? '')
    const reason = (body.reason ?? '').trim()
    const problems = [
      ...(subject.success ? [] : ['Bitte geben Sie ein gültiges Pseudonym an.']),
      ...(reason.length < 10 || reason.length > 500
        ? ['Bitte begründen Sie die Auflösung (10 bis 500 Zeichen).']
        : []),
      ...(body.confirm === 'yes'
        ? []
        : ['Bitte bestätigen Sie, dass die Auflösung erforderlich ist.']),
    ]
    if (!subject.success || problems.length > 0) {
      const who = await whoOf(deps, principal, req.headers.cookie)
      const form = dpoReidentifyForm({
        csrfToken: who.csrfToken,
        values: { subjectPseudonym: body.subjectPseudonym, reason: body.reason },
        problems,
      })
      return renderDpoPage(deps, ctx, {
        title: 'Re-Identifizierung',
        active: 'reidentify',
        body: form,
        status: 400,
      })
    }
    const agencyId = dpoScope(principal, undefined)
    const outcome = await reidentifySubject(deps, {
      actor: actorOf(principal),
      subjectPseudonym: subject.data,
      statedReason: reason,
      ...(agencyId !== undefined ? { agencyId } : {}),
    })
    return renderDpoPage(deps, ctx, {
      title: 'Re-Identifizierung',
      active: 'reidentify',
      body: dpoReidentifyResult({ subjectPseudonym: subject.data, ...outcome }),
    })
  },
})

export const dpoVerifyPost = pageRoute({
  method: 'post',
  path: '/dpo/verify',
  access: dpoOnly,
  form: z.strictObject({}),
  handle: async ({ deps, principal }) => {
    // The outcome is itself an audit entry (`audit_verified`), which the status panel reads.
    await verifyAndRecord(deps, actorOf(principal))
    return { redirect: '/dpo' }
  },
})

/** The DPO workplace under /dpo (docs/design.md §3.5, §6 Pages). */
export const dpoPageRoutes: AnyPageRoute[] = [
  dpoLogPage,
  dpoEntryPage,
  dpoReportsPage,
  dpoReidentifyFormPage,
  dpoReidentifyPost,
  dpoVerifyPost,
]
