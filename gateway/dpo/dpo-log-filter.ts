import { z } from 'zod'
import type { Principal } from '../../accounts/roles.ts'
import { auditEventSchema } from '../../audit/audit-event.ts'
import { addDays, calendarDateSchema, startOfBerlinDay } from '../../consent/calendar.ts'
import type { AuditFilter } from '../../db/audit-repository.ts'
import { ApiError } from '../http/api-error.ts'

/** Every event type the log knows, for the filter's choice list. */
export const auditEventTypes: readonly string[] = auditEventSchema.options
  .map((option) => option.shape.type.value)
  .sort()

// An empty form field means "no condition".
const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional())
const identifier = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'Buchstaben, Ziffern und . _ : @ -')

/**
 * The GET form of the DPO log (docs/design.md §3.5). It carries pseudonyms and ids, never clear
 * names; dates are Berlin calendar days, `to` inclusive.
 */
export const dpoLogQuerySchema = z.strictObject({
  from: optional(calendarDateSchema),
  to: optional(calendarDateSchema),
  agency: optional(identifier),
  staff: optional(identifier),
  subject: optional(identifier),
  consent: optional(identifier),
  transfer: optional(identifier),
  type: optional(z.enum(auditEventTypes as [string, ...string[]])),
  decision: optional(z.enum(['permit', 'deny'])),
  cursor: optional(z.string().regex(/^\d{1,15}$/)),
})
export type DpoLogQuery = z.infer<typeof dpoLogQuerySchema>

/** German labels of the form fields, for error messages. */
export const dpoLogFieldLabels: Record<keyof DpoLogQuery, string> = {
  from: 'Von',
  to: 'Bis',
  agency: 'Behörde',
  staff: 'Mitarbeiter/in',
  subject: 'Pseudonym',
  consent: 'Einwilligung',
  transfer: 'Übermittlung',
  type: 'Ereignis',
  decision: 'Entscheidung',
  cursor: 'Seite',
}

export type ParsedLogQuery =
  | { ok: true; query: DpoLogQuery }
  | { ok: false; query: Record<string, string>; problems: string[] }

/** The report page's form: a time range and an agency. */
export const dpoReportQuerySchema = dpoLogQuerySchema.pick({ from: true, to: true, agency: true })

/** Parses the form; on bad input it keeps the raw values so the form can show them again. */
export function parseDpoLogQuery(
  raw: Record<string, unknown>,
  schema: z.ZodType<DpoLogQuery> = dpoLogQuerySchema,
): ParsedLogQuery {
  const result = schema.safeParse(raw)
  if (result.success) {
    const { from, to } = result.data
    if (from && to && from > to)
      return { ok: false, query: stringsOf(raw), problems: ['„Von“ liegt nach „Bis“.'] }
    return { ok: true, query: result.data }
  }
  const problems = result.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '')
    const label = dpoLogFieldLabels[field as keyof DpoLogQuery] ?? field
    return issue.code === 'unrecognized_keys'
      ? `Unbekannte Angabe: ${issue.keys.join(', ')}.`
      : `${label}: ungültige Angabe.`
  })
  return { ok: false, query: stringsOf(raw), problems }
}

function stringsOf(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  )
}

/**
 * The agency a DPO may read: any (or all) when granted every agency, else their own. Asking for
 * another agency is refused rather than silently narrowed, so the DPO knows what they see.
 */
export function dpoScope(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.allAgencies) return requested
  if (!principal.agencyId) throw new ApiError('forbidden', 'Dieses Konto gehört zu keiner Behörde.')
  if (requested !== undefined && requested !== principal.agencyId)
    throw new ApiError('forbidden', 'Sie dürfen nur die Einträge Ihrer eigenen Behörde lesen.')
  return principal.agencyId
}

/** The repository filter of a parsed form, scoped to what the DPO may read. */
export function auditFilterOf(principal: Principal, query: DpoLogQuery): AuditFilter {
  const agencyId = dpoScope(principal, query.agency)
  return {
    ...(query.from ? { from: startOfBerlinDay(query.from) } : {}),
    ...(query.to ? { to: startOfBerlinDay(addDays(query.to, 1)) } : {}),
    ...(agencyId !== undefined ? { agencyId } : {}),
    ...(query.staff !== undefined ? { actor: `user:${query.staff}` } : {}),
    ...(query.subject !== undefined ? { subjectPseudonym: query.subject } : {}),
    ...(query.consent !== undefined ? { consentId: query.consent } : {}),
    ...(query.transfer !== undefined ? { transferId: query.transfer } : {}),
    ...(query.type !== undefined ? { types: [query.type] } : {}),
    ...(query.decision !== undefined ? { decision: query.decision } : {}),
  }
}

/**
 * The same view as query parameters of the streamed export route (`GET /api/v1/audit/export`),
 * so "export" always exports exactly what the page shows, across all pages.
 */
export function exportHrefOf(filter: AuditFilter, format: 'csv' | 'json'): string {
  const params = new URLSearchParams({ format })
  if (filter.from) params.set('from', filter.from.toISOString())
  if (filter.to) params.set('to', filter.to.toISOString())
  if (filter.agencyId !== undefined) params.set('agency', filter.agencyId)
  if (filter.actor !== undefined) params.set('actor', filter.actor)
  if (filter.subjectPseudonym !== undefined) params.set('subject', filter.subjectPseudonym)
  if (filter.consentId !== undefined) params.set('consent', filter.consentId)
  if (filter.transferId !== undefined) params.set('transfer', filter.transferId)
  if (filter.types && filter.types.length > 0) params.set('type', filter.types.join(','))
  if (filter.decision !== undefined) params.set('decision', filter.decision)
  return `/api/v1/audit/export?${params.toString()}`
}

/** The page's own link with the same filters and another cursor (or none: the newest page). */
export function logHrefOf(query: DpoLogQuery, cursor?: number): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (key !== 'cursor' && typeof value === 'string') params.set(key, value)
  if (cursor !== undefined) params.set('cursor', String(cursor))
  const text = params.toString()
  return text ? `/dpo?${text}` : '/dpo'
}
