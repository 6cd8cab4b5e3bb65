import { z } from 'zod'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import type { AuditRecord } from '../../audit/audit-event.ts'
import { AuditError } from '../../audit/audit-error.ts'
import { buildAuditReport, reportEventTypes } from '../../audit/audit-report.ts'
import type { Checkpoint } from '../../audit/checkpoint.ts'
import {
  countAuditEntries,
  findAuditRecord,
  findLatestCheckpoint,
  searchAuditEntries,
  streamAuditEntries,
  type AuditFilter,
  type StoredCheckpoint,
} from '../../db/audit-repository.ts'
import { buildConsistencyProof, buildInclusionProof } from '../audit/build-proofs.ts'
import { listConsentsExpiringSoon } from '../audit/consent-lookups.ts'
import { exportAuditLog } from '../audit/export-audit-log.ts'
import { reidentifySubject } from '../audit/reidentify-subject.ts'
import { verifyAndRecord } from '../audit/verify-audit-log.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from './api-error.ts'
import {
  auditExportQuerySchema,
  auditPageSchema,
  auditRecordSchema,
  auditReportResponseSchema,
  auditSearchQuerySchema,
  auditStatusResponseSchema,
  auditVerifyResponseSchema,
  consistencyProofResponseSchema,
  consistencyQuerySchema,
  inclusionProofResponseSchema,
  reidentifyBodySchema,
  reidentifyResponseSchema,
  reportQuerySchema,
  type AuditFilterQuery,
} from './audit-schemas.ts'
import { apiRoute, type AnyApiRoute } from './route.ts'

/**
 * The agency a DPO may read: none (all) when granted every agency, else their own. Asking for
 * another agency is refused rather than silently narrowed, so the DPO knows what they see.
 */
function scopeOf(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.allAgencies) return requested
  if (!principal.agencyId) throw new ApiError('forbidden', 'This account is bound to no agency.')
  if (requested !== undefined && requested !== principal.agencyId)
    throw new ApiError('forbidden', 'You may read the audit entries of your own agency only.')
  return principal.agencyId
}

function filterOf(principal: Principal, query: AuditFilterQuery): AuditFilter {
  const agencyId = scopeOf(principal, query.agency)
  if (
    query.staff !== undefined &&
    query.actor !== undefined &&
    query.actor !== `user:${query.staff}`
  )
    throw new ApiError('validation_failed', 'Give either staff or actor, not two different ones.')
  const actor = query.staff !== undefined ? `user:${query.staff}` : query.actor
  return {
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
    ...(agencyId !== undefined ? { agencyId } : {}),
    ...(actor !== undefined ? { actor } : {}),
    ...(query.subject !== undefined ? { subjectPseudonym: query.subject } : {}),
    ...(query.consent !== undefined ? { consentId: query.consent } : {}),
    ...(query.transfer !== undefined ? { transferId: query.transfer } : {}),
    ...(query.type !== undefined ? { types: query.type.split(',') } : {}),
    ...(query.decision !== undefined ? { decision: query.decision } : {}),
  }
}

/** Whether a DPO bound to one agency may see this entry (it names their agency). */
async function entryInScope(deps: Deps, principal: Principal, seq: number): Promise<AuditRecord> {
  const record = await findAuditRecord(deps.db, seq)
  const agencyId = scopeOf(principal, undefined)
  const visible =
    record !== undefined &&
    (agencyId === undefined ||
      (await countAuditEntries(deps.db, { agencyId, untilSeq: seq, fromSeq: seq })) === 1)
  if (!record || !visible)
    throw new AuditError('ERR_AUDIT_ENTRY_NOT_FOUND', `There is no audit entry ${seq}.`, {
      details: { seq },
    })
  return record
}

const seqParams = z.strictObject({
  seq: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31),
})

export const searchAuditRoute = apiRoute({
  method: 'get',
  path: '/audit',
  summary: 'Search the audit log (DPO; own agency unless granted all), newest first',
  access: ['dpo'],
  query: auditSearchQuerySchema,
  response: auditPageSchema,
  handle: async ({ deps, principal, query }) => {
    const page = await searchAuditEntries(deps.db, filterOf(principal, query), {
      limit: query.limit,
      order: query.order,
      ...(query.cursor !== undefined ? { cursor: Number(query.cursor) } : {}),
    })
    return {
      entries: page.entries,
      nextCursor: page.nextCursor === null ? null : String(page.nextCursor),
    }
  },
})

export const auditEntryRoute = apiRoute({
  method: 'get',
  path: '/audit/entries/:seq',
  summary: 'One audit entry with its chain hashes (DPO)',
  access: ['dpo'],
  params: seqParams,
  response: auditRecordSchema,
  handle: ({ deps, principal, params }) => entryInScope(deps, principal, params.seq),
})

/** A stored checkpoint as the API shows it: without the Merkle frontier kept for appending. */
function withoutFrontier({ frontier: _frontier, ...checkpoint }: StoredCheckpoint): Checkpoint {
  return checkpoint
}

export const auditStatusRoute = apiRoute({
  method: 'get',
  path: '/audit/status',
  summary: 'Number of entries, the latest signed checkpoint and the audit public key (DPO)',
  access: ['dpo'],
  response: auditStatusResponseSchema,
  handle: async ({ deps }) => {
    const latest = await findLatestCheckpoint(deps.db)
    return {
      entries: await countAuditEntries(deps.db, {}),
      latestCheckpoint: latest ? withoutFrontier(latest) : null,
      publicKey: deps.derivedKeys.audit.publicKeyBase64,
    }
  },
})

export const verifyAuditRoute = apiRoute({
  method: 'get',
  path: '/audit/verify',
  summary: 'Recompute the whole log: the verified head, or the first bad entry and why (DPO)',
  access: ['dpo'],
  response: auditVerifyResponseSchema,
  handle: async ({ deps, principal }) => {
    const result = await verifyAndRecord(deps, actorOf(principal))
    if (result.ok) {
      const { ok: _ok, ...head } = result
      return { status: 'intact' as const, ...head }
    }
    const { ok: _ok, ...failure } = result
    return { status: 'broken' as const, ...failure }
  },
})

export const auditProofRoute = apiRoute({
  method: 'get',
  path: '/audit/proof/:seq',
  summary: 'Inclusion proof of an entry against the latest signed checkpoint (RFC 9162 §2.1.3)',
  access: ['dpo'],
  params: seqParams,
  response: inclusionProofResponseSchema,
  handle: async ({ deps, principal, params }) => {
    await entryInScope(deps, principal, params.seq)
    return buildInclusionProof(deps, params.seq)
  },
})

export const auditConsistencyRoute = apiRoute({
  method: 'get',
  path: '/audit/consistency',
  summary: 'Consistency proof between two signed checkpoints (RFC 9162 §2.1.4)',
  access: ['dpo'],
  query: consistencyQuerySchema,
  response: consistencyProofResponseSchema,
  handle: ({ deps, query }) => buildConsistencyProof(deps, query),
})

export const auditPublicKeyRoute = apiRoute({
  method: 'get',
  path: '/audit/public-key',
  summary: 'The Ed25519 public key that signs audit checkpoints (SPKI, base64)',
  access: 'public',
  response: z.strictObject({ algorithm: z.literal('Ed25519'), publicKey: z.string() }),
  handle: ({ deps }) =>
    Promise.resolve({
      algorithm: 'Ed25519' as const,
      publicKey: deps.derivedKeys.audit.publicKeyBase64,
    }),
})

/**
 * Streams the export itself (constant memory at any size), which is why it writes to the
 * response instead of returning a value; it stays in the registry so access control, query
 * validation and the access-matrix test cover it like every other route.
 */
export const exportAuditRoute = apiRoute({
  method: 'get',
  path: '/audit/export',
  summary: 'Export the filtered log as CSV or JSON, streamed; the export is itself audited (DPO)',
  access: ['dpo'],
  query: auditExportQuerySchema,
  response: z.never(),
  handle: async ({ deps, principal, query, res }) => {
    const { format, ...filters } = query
    const filter = filterOf(principal, filters)
    const stamp = deps.clock.now().toISOString().slice(0, 19).replace(/[:T]/g, '-')
    const write = (chunk: string): Promise<void> | void => {
      if (!res.headersSent) {
        // Headers go out with the first byte, so a failure before it is still a JSON error.
        res.status(200)
        res.setHeader(
          'Content-Type',
          `${format === 'csv' ? 'text/csv' : 'application/json'}; charset=utf-8`,
        )
        res.setHeader(
          'Content-Disposition',
          `attachment; filename="brucke-audit-${stamp}.${format}"`,
        )
        res.setHeader('Cache-Control', 'no-store')
      }
      if (res.write(chunk)) return
      return new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          res.off('close', onClose)
          resolve()
        }
        const onClose = () => {
          res.off('drain', onDrain)
          reject(new Error('the client closed the export'))
        }
        res.once('drain', onDrain)
        res.once('close', onClose)
      })
    }
    await exportAuditLog(deps, { filter, format, actor: actorOf(principal), write })
    res.end()
    return undefined as never
  },
})

export const auditReportRoute = apiRoute({
  method: 'get',
  path: '/audit/reports',
  summary:
    'Report aggregates: transfers per week, denials, revocations, expiring consents, outliers',
  access: ['dpo'],
  query: reportQuerySchema,
  response: auditReportResponseSchema,
  handle: async ({ deps, principal, query }) => {
    const agencyId = scopeOf(principal, query.agency)
    const filter: AuditFilter = {
      types: [...reportEventTypes],
      ...(query.from ? { from: new Date(query.from) } : {}),
      ...(query.to ? { to: new Date(query.to) } : {}),
      ...(agencyId !== undefined ? { agencyId } : {}),
    }
    const report = await buildAuditReport(streamAuditEntries(deps.db, filter))
    const days = 30
    const expiring = await listConsentsExpiringSoon(deps, {
      now: deps.clock.now(),
      days,
      ...(agencyId !== undefined ? { agencyId } : {}),
    })
    return {
      from: query.from ?? null,
      to: query.to ?? null,
      agencyId: agencyId ?? null,
      ...report,
      expiringConsents: { withinDays: days, total: expiring.length, items: expiring.slice(0, 200) },
    }
  },
})

export const reidentifyRoute = apiRoute({
  method: 'post',
  path: '/audit/reidentify',
  summary: 'Resolve a subject pseudonym to the person, with a stated reason; audited (DPO)',
  access: ['dpo'],
  body: reidentifyBodySchema,
  response: reidentifyResponseSchema,
  handle: async ({ deps, principal, body }) => {
    const agencyId = scopeOf(principal, undefined)
    const { subject, auditSeq } = await reidentifySubject(deps, {
      actor: actorOf(principal),
      subjectPseudonym: body.subjectPseudonym,
      statedReason: body.reason,
      ...(agencyId !== undefined ? { agencyId } : {}),
    })
    return {
      subjectPseudonym: body.subjectPseudonym,
      found: subject !== undefined,
      subject: subject ?? null,
      auditSeq,
    }
  },
})

/** JSON routes of the audit area under /api/v1. */
export const auditApiRoutes: AnyApiRoute[] = [
  searchAuditRoute,
  auditStatusRoute,
  verifyAuditRoute,
  auditEntryRoute,
  auditProofRoute,
  auditConsistencyRoute,
  auditPublicKeyRoute,
  exportAuditRoute,
  auditReportRoute,
  reidentifyRoute,
]
