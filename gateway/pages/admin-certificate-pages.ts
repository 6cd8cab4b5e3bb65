import { z } from 'zod'
import { mayAdminister } from '../../accounts/admin-permissions.ts'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { CertificateError, KeyError } from '../../crypto/errors.ts'
import { findAgency } from '../../db/account-repository.ts'
import { findAgencyCertificate } from '../../db/certificate-repository.ts'
import { listHostedAgencyIds } from '../../db/federation-repository.ts'
import { layout } from '../../templates/pages/layout.ts'
import {
  certificatesView,
  type CertificatesViewInput,
} from '../../templates/pages/admin/certificates-view.ts'
import { loadCertificatesView } from '../admin/certificate-admin.ts'
import { refreshCrlsOnRequest } from '../crypto/crl-refresh-on-request.ts'
import { certificateImportProblems } from '../admin/certificate-import-text.ts'
import {
  importAgencyCertificate,
  revokeAgencyCertificate,
  type CertificateSource,
} from '../crypto/certificate-service.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import { pageRoute, type AnyPageRoute, type PageResult } from '../http/route.ts'
import { whoOf } from './home-pages.ts'

// Certificates on the admin pages (issue 18 point 7): the same use cases as `brucke cert import`
// and `brucke cert revoke`, after the object rule accounts/admin-permissions.ts. An agency the
// admin may not act on is answered as if it did not exist.

const adminOnly = ['admin'] as const
const notFound = 'Dieses Zertifikat oder diese Behörde gibt es hier nicht.'

type Extra = Partial<Omit<CertificatesViewInput, 'csrfToken' | 'agencies' | 'importable'>> & {
  status?: number
}

async function renderCertificates(
  deps: Deps,
  ctx: { principal: Principal; cookie: string | undefined },
  extra: Extra = {},
): Promise<PageResult> {
  const [who, view] = await Promise.all([
    whoOf(deps, ctx.principal, ctx.cookie),
    loadCertificatesView(deps, ctx.principal, deps.clock.now()),
  ])
  const { status, ...rest } = extra
  return {
    status: status ?? 200,
    html: layout({
      title: 'Zertifikate – Verwaltung',
      who,
      styles: ['/assets/dpo.css', '/assets/admin.css'],
      body: certificatesView({ csrfToken: who.csrfToken, ...view, ...rest }),
    }),
  }
}

/** What a certificate action did, carried to the page after its redirect (`?done=<what>:<agency>`). */
const doneSchema = z
  .string()
  .regex(/^(imported|rolled-over|revoked):[a-z0-9][a-z0-9-]{1,62}$/)
  .transform((value) => {
    const [action = '', agencyId = ''] = value.split(':')
    return { action, agencyId }
  })

function doneNotice(done: { action: string; agencyId: string }, overlapDays: number): string {
  if (done.action === 'imported') return `Zertifikat für ${done.agencyId} eingespielt.`
  if (done.action === 'rolled-over')
    return (
      `Schlüssel von ${done.agencyId} gewechselt: Das neue Zertifikat gilt ab sofort, ` +
      `die bisherigen bleiben noch ${overlapDays} ${overlapDays === 1 ? 'Tag' : 'Tage'} in Dienst.`
    )
  return `Zertifikat von ${done.agencyId} widerrufen: Es wird nicht mehr benutzt.`
}

/** What a CRL refresh found, carried to the page after its redirect (`?crls=<sources>-<updated>-<failed>`). */
const crlsDoneSchema = z
  .string()
  .regex(/^\d{1,5}-\d{1,5}-\d{1,5}$/)
  .transform((value) => {
    const [sources = 0, updated = 0, failed = 0] = value.split('-').map(Number)
    return { sources, updated, failed }
  })

function crlsNotice(done: { sources: number; updated: number; failed: number }): Extra {
  if (done.sources === 0)
    return {
      notice:
        'Keine Sperrliste ist über eine Adresse abzurufen: Die Vertrauensanker nennen keine ' +
        'CRL-URL und die Zertifikate keine Verteilungspunkte. Sperrlisten aus Dateien liest ' +
        'Brücke bei jeder Prüfung neu.',
    }
  const counted =
    `Sperrlisten abgerufen: ${done.sources} ${done.sources === 1 ? 'Quelle' : 'Quellen'}, ` +
    `${done.updated} mit neuerer Sperrliste`
  if (done.failed === 0) return { notice: `${counted}.` }
  return {
    problem:
      `${counted}, ${done.failed} nicht erreichbar oder ungültig — welche, steht im Protokoll ` +
      'des Dienstes. Bis dahin gilt die zuletzt gespeicherte Sperrliste, solange sie aktuell ist.',
  }
}

export const certificatesPage = pageRoute({
  method: 'get',
  path: '/admin/certificates',
  access: adminOnly,
  handle: async ({ deps, principal, query, req }) => {
    const done = doneSchema.safeParse(query.done)
    const crls = crlsDoneSchema.safeParse(query.crls)
    return renderCertificates(
      deps,
      { principal, cookie: req.headers.cookie },
      {
        ...(done.success
          ? { notice: doneNotice(done.data, deps.config.cardRolloverOverlapDays) }
          : {}),
        ...(crls.success ? crlsNotice(crls.data) : {}),
      },
    )
  },
})

export const refreshCrlsPage = pageRoute({
  method: 'post',
  path: '/admin/certificates/crl-refresh',
  access: adminOnly,
  form: z.strictObject({}),
  handle: async ({ deps, principal, req }) => {
    try {
      const outcome = await refreshCrlsOnRequest(deps, { by: { kind: 'account', principal } })
      return {
        redirect: `/admin/certificates?crls=${outcome.sources}-${outcome.updated}-${outcome.failed.length}`,
      }
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'forbidden') throw error
      return renderCertificates(
        deps,
        { principal, cookie: req.headers.cookie },
        {
          status: 403,
          problem:
            'Sperrlisten ruft nur die Verwaltung der ganzen Instanz sofort ab; sonst geschieht es ' +
            'regelmäßig von selbst.',
        },
      )
    }
  },
})

const text = (max: number) => z.string().max(max).optional()
const base64Schema = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.base64().min(4))

export const importCertificatePage = pageRoute({
  method: 'post',
  path: '/admin/certificates',
  access: adminOnly,
  bodyLimit: 512 * 1024,
  form: z.strictObject({
    agencyId: text(100),
    mode: text(20),
    certificate: text(100_000),
    key: text(20_000),
    p12: text(200_000),
    passphrase: text(500),
  }),
  handle: async ({ deps, principal, body, req }) => {
    const ctx = { principal, cookie: req.headers.cookie }
    const mode = body.mode === 'add' ? 'add' : 'rollover'
    const certificateText = (body.certificate ?? '').trim()
    const importForm = { agencyId: body.agencyId ?? '', mode, certificate: certificateText }
    const refuse = (status: number, problem: string) =>
      renderCertificates(deps, ctx, { status, problem, importForm })
    const agencyId = identifierSchema.safeParse(body.agencyId)
    const agency = agencyId.success ? await findAgency(deps.db, agencyId.data) : undefined
    if (agency === undefined) return refuse(404, notFound)
    const hosted = (await listHostedAgencyIds(deps.db)).has(agency.id)
    const action = mode === 'add' ? 'import' : 'roll_over'
    if (
      !mayAdminister(principal, {
        kind: 'certificate',
        action,
        agency: { id: agency.id, hosted },
      })
    )
      return refuse(404, notFound)
    const p12 = (body.p12 ?? '').trim()
    let source: CertificateSource
    if (p12 !== '') {
      if (certificateText !== '' || (body.key ?? '').trim() !== '')
        return refuse(400, 'Bitte entweder Zertifikat (mit Schlüssel) oder PKCS#12 angeben.')
      const data = base64Schema.safeParse(p12)
      if (!data.success) return refuse(400, 'Die PKCS#12-Datei ist kein gültiges Base64.')
      source = {
        kind: 'pkcs12',
        data: Buffer.from(data.data, 'base64'),
        passphrase: body.passphrase ?? '',
      }
    } else {
      if (certificateText === '') return refuse(400, 'Bitte ein Zertifikat einfügen.')
      const key = (body.key ?? '').trim()
      source = {
        kind: 'certificate',
        certificate: Buffer.from(certificateText, 'utf8'),
        ...(key === '' ? {} : { key: Buffer.from(key, 'utf8') }),
      }
    }
    try {
      await importAgencyCertificate(deps, {
        actor: actorOf(principal),
        agencyId: agency.id,
        source,
        ...(mode === 'rollover'
          ? { rollover: { overlapDays: deps.config.cardRolloverOverlapDays } }
          : {}),
      })
    } catch (error) {
      if (error instanceof CertificateError || error instanceof KeyError)
        return refuse(400, `Nicht eingespielt: ${certificateImportProblems[error.code]}`)
      if (error instanceof ApiError && error.code === 'conflict')
        return refuse(409, 'Nicht eingespielt: Dieses Zertifikat ist schon registriert.')
      if (error instanceof ApiError && error.details?.reason === 'rollover_needs_key')
        return refuse(
          400,
          'Nicht eingespielt: Ein Schlüsselwechsel braucht den neuen privaten Schlüssel ' +
            '(oder eine PKCS#12-Datei).',
        )
      throw error
    }
    return {
      redirect: `/admin/certificates?done=${mode === 'add' ? 'imported' : 'rolled-over'}:${agency.id}`,
    }
  },
})

const certificateIdSchema = z.string().regex(/^[0-9a-f]{64}$/)

export const revokeCertificatePage = pageRoute({
  method: 'post',
  path: '/admin/certificates/:id/revoke',
  access: adminOnly,
  form: z.strictObject({ reason: text(300) }),
  handle: async ({ deps, principal, params, body, req }) => {
    const ctx = { principal, cookie: req.headers.cookie }
    const id = certificateIdSchema.safeParse(params.id)
    const record = id.success ? await findAgencyCertificate(deps.db, id.data) : undefined
    if (record === undefined)
      return renderCertificates(deps, ctx, { status: 404, problem: notFound })
    const hosted = (await listHostedAgencyIds(deps.db)).has(record.agencyId)
    if (
      !mayAdminister(principal, {
        kind: 'certificate',
        action: 'revoke',
        agency: { id: record.agencyId, hosted },
      })
    )
      return renderCertificates(deps, ctx, { status: 404, problem: notFound })
    const reason = (body.reason ?? '').trim()
    if (reason.length < 3 || reason.length > 200 || /\p{Cc}/u.test(reason))
      return renderCertificates(deps, ctx, {
        status: 400,
        problem: 'Bitte einen Grund angeben (3 bis 200 Zeichen, eine Zeile).',
      })
    try {
      await revokeAgencyCertificate(deps, {
        actor: actorOf(principal),
        certificateId: record.id,
        reason,
      })
    } catch (error) {
      if (!(error instanceof ApiError) || error.code !== 'conflict') throw error
      return renderCertificates(deps, ctx, {
        status: 409,
        problem: 'Dieses Zertifikat ist schon widerrufen.',
      })
    }
    return { redirect: `/admin/certificates?done=revoked:${record.agencyId}` }
  },
})

/** The certificates page of the administration. */
export const adminCertificatePageRoutes: AnyPageRoute[] = [
  certificatesPage,
  importCertificatePage,
  revokeCertificatePage,
  refreshCrlsPage,
]
