import { expiryWarningDays, listCertificateOverview } from '../crypto/certificate-service.ts'
import type {
  CertificateOverviewRow,
  CertificateState,
} from '../../templates/pages/admin/admin-view.ts'
import type { Deps } from '../deps.ts'

/** Days before a certificate's end from which the admin page warns (the crypto area's rule). */
export const certificateWarningDays = expiryWarningDays

/**
 * Every registered agency certificate with its state at `now`, grouped by agency, read through
 * the crypto area's registry overview so the page and `brucke cert list` agree.
 */
export async function loadCertificateOverview(
  deps: Pick<Deps, 'db' | 'log'>,
  now: Date,
): Promise<Map<string, CertificateOverviewRow[]>> {
  const byAgency = new Map<string, CertificateOverviewRow[]>()
  for (const c of await listCertificateOverview(deps, { at: now })) {
    const state: CertificateState =
      c.currentStatus === 'revoked_here'
        ? 'revoked'
        : c.currentStatus === 'active'
          ? c.expiringSoon
            ? 'expiring'
            : 'valid'
          : c.currentStatus
    const rows = byAgency.get(c.agencyId) ?? []
    rows.push({
      id: c.id,
      agencyId: c.agencyId,
      subject: c.subject,
      serialNumber: c.serialNumber,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      state,
      daysLeft: c.daysLeft,
      hasKey: c.hasKey,
      crlIssuedAt: c.crl?.thisUpdate ?? null,
    })
    byAgency.set(c.agencyId, rows)
  }
  return byAgency
}
