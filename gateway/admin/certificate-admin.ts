import { mayAdminister } from '../../accounts/admin-permissions.ts'
import type { Principal } from '../../accounts/roles.ts'
import { berlinDateOf } from '../../consent/calendar.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { listHostedAgencyIds } from '../../db/federation-repository.ts'
import type { CertificateState } from '../../templates/pages/admin/admin-view.ts'
import type {
  CertificateAgencyView,
  CertificatesViewInput,
} from '../../templates/pages/admin/certificates-view.ts'
import {
  expiryWarningDays,
  listCertificateOverview,
  type CertificateOverview,
} from '../crypto/certificate-service.ts'
import type { Deps } from '../deps.ts'

function stateOf(c: CertificateOverview): CertificateState {
  if (c.currentStatus === 'revoked_here') return 'revoked'
  if (c.currentStatus === 'active') return c.expiringSoon ? 'expiring' : 'valid'
  return c.currentStatus
}

/**
 * What `/admin/certificates` shows this admin (issue 18 point 7): the agencies whose
 * certificates it may see, each certificate's status and expiry read through the same registry
 * overview as `brucke cert list`, and the levers the object rule grants it.
 */
export async function loadCertificatesView(
  deps: Pick<Deps, 'db' | 'log' | 'config'>,
  principal: Principal,
  at: Date,
): Promise<Omit<CertificatesViewInput, 'csrfToken'>> {
  const [agencies, hosted, overview] = await Promise.all([
    listAgencies(deps.db),
    listHostedAgencyIds(deps.db),
    listCertificateOverview(deps, { at }),
  ])
  const visible: CertificateAgencyView[] = []
  const importable: { id: string; name: string }[] = []
  for (const agency of agencies) {
    const facts = { id: agency.id, hosted: hosted.has(agency.id) }
    if (!mayAdminister(principal, { kind: 'certificate', action: 'view', agency: facts })) continue
    const mayRevoke = mayAdminister(principal, {
      kind: 'certificate',
      action: 'revoke',
      agency: facts,
    })
    if (mayAdminister(principal, { kind: 'certificate', action: 'import', agency: facts }))
      importable.push({ id: agency.id, name: agency.name })
    visible.push({
      id: agency.id,
      name: agency.name,
      hosted: facts.hosted,
      certificates: overview
        .filter((c) => c.agencyId === agency.id)
        .map((c) => ({
          id: c.id,
          serialNumber: c.serialNumber,
          subject: c.subject,
          state: stateOf(c),
          validFrom: berlinDateOf(c.notBefore),
          validUntil: berlinDateOf(c.notAfter),
          daysLeft: c.daysLeft,
          hasKey: c.hasKey,
          retireAt: c.retireAt ?? null,
          mayRevoke: mayRevoke && c.status === 'active',
        })),
    })
  }
  return {
    agencies: visible,
    importable,
    warningDays: expiryWarningDays,
    overlapDays: deps.config.cardRolloverOverlapDays,
    mayRefreshCrls: mayAdminister(principal, { kind: 'crl_refresh' }),
    crlRefreshMinutes: deps.config.crlRefreshMinutes,
  }
}
