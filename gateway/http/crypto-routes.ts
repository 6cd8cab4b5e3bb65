import { z } from 'zod'
import { mayAdminister } from '../../accounts/admin-permissions.ts'
import { listHostedAgencyIds } from '../../db/federation-repository.ts'
import { listCertificateOverview } from '../crypto/certificate-service.ts'
import { refreshCrlsOnRequest } from '../crypto/crl-refresh-on-request.ts'
import { apiRoute } from './route.ts'
import type { AnyApiRoute } from './route.ts'

const certificateOverviewSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{64}$/),
  agencyId: z.string(),
  serialNumber: z.string(),
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  daysLeft: z.number().int(),
  status: z.enum(['active', 'revoked']),
  expired: z.boolean(),
  /** Active and expiring within 30 days: the admin page warns about these. */
  expiringSoon: z.boolean(),
  /** Whether Brücke holds the private key (the key itself is never returned). */
  hasKey: z.boolean(),
})

/**
 * `GET /api/v1/certificates` (admin): the agency certificates with expiry the caller may see (an
 * agency's admin: its own agency's, `accounts/admin-permissions.ts`), no key material.
 */
export const listCertificatesRoute = apiRoute({
  method: 'get',
  path: '/certificates',
  summary: 'List agency certificates with expiry (admin)',
  access: ['admin'],
  response: z.strictObject({ certificates: z.array(certificateOverviewSchema) }),
  handle: async ({ deps, principal }) => {
    const [all, hosted] = await Promise.all([
      listCertificateOverview(deps, { at: deps.clock.now() }),
      listHostedAgencyIds(deps.db),
    ])
    const entries = all.filter((entry) =>
      mayAdminister(principal, {
        kind: 'certificate',
        action: 'view',
        agency: { id: entry.agencyId, hosted: hosted.has(entry.agencyId) },
      }),
    )
    return {
      certificates: entries.map((entry) => ({
        id: entry.id,
        agencyId: entry.agencyId,
        serialNumber: entry.serialNumber,
        subject: entry.subject,
        issuer: entry.issuer,
        notBefore: entry.notBefore.toISOString(),
        notAfter: entry.notAfter.toISOString(),
        daysLeft: entry.daysLeft,
        status: entry.status,
        expired: entry.expired,
        expiringSoon: entry.expiringSoon,
        hasKey: entry.hasKey,
      })),
    }
  },
})

/**
 * `POST /api/v1/crls/refresh` (the instance's administration): every CRL fetched now, as
 * `brucke cert refresh-crls` does; audited as `crl_refresh_requested`.
 */
export const refreshCrlsRoute = apiRoute({
  method: 'post',
  path: '/crls/refresh',
  summary: 'Fetch every CRL now, e.g. after a CA announced a revocation (admin of the instance)',
  access: ['admin'],
  response: z.strictObject({
    sources: z.number().int(),
    updated: z.number().int(),
    failed: z.array(z.strictObject({ url: z.string(), error: z.string() })),
  }),
  handle: ({ deps, principal }) =>
    refreshCrlsOnRequest(deps, { by: { kind: 'account', principal } }),
})

/** JSON routes of the crypto area under /api/v1. */
export const cryptoApiRoutes: AnyApiRoute[] = [listCertificatesRoute, refreshCrlsRoute]
