import { X509Certificate } from 'node:crypto'
import type { Agency } from '../../accounts/account-schemas.ts'
import type { AgencyKeyring } from '../relay/ports.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

/** How early staff are warned about their own agency's certificate (docs/design.md §3.4). */
export const ownCertificateWarningDays = 30

export type CertificateBanner =
  | { code: 'own_expiring'; daysLeft: number }
  | { code: 'own_invalid'; reason: string }
  | { code: 'partner_invalid'; agencyId: string; reason: string }

const day = 24 * 3600_000

/**
 * What staff must know about certificates before they send: their own agency's certificate
 * expires within 30 days or is unusable, or a partner's is invalid (then nothing can be
 * encrypted to it). Checked through the relay's keyring at `at`, i.e. with the same validation
 * (chain, validity, usage, mailbox, CRL) the relay applies when it sends.
 */
export async function findCertificateBanners(input: {
  keyring: AgencyKeyring
  agencies: readonly Agency[]
  ownAgencyId: string
  at: Date
}): Promise<CertificateBanner[]> {
  const banners: CertificateBanner[] = []
  const own = await input.keyring.recipient(input.ownAgencyId, input.at)
  if (!own) banners.push({ code: 'own_invalid', reason: 'missing' })
  else if (!own.check.ok) banners.push({ code: 'own_invalid', reason: own.check.code })
  else {
    const notAfter = Date.parse(new X509Certificate(own.certificate).validTo)
    const daysLeft = Math.floor((notAfter - input.at.getTime()) / day)
    if (daysLeft < ownCertificateWarningDays) banners.push({ code: 'own_expiring', daysLeft })
  }
  for (const agency of input.agencies) {
    if (agency.id === input.ownAgencyId) continue
    const partner = await input.keyring.recipient(agency.id, input.at)
    if (!partner) banners.push({ code: 'partner_invalid', agencyId: agency.id, reason: 'missing' })
    else if (!partner.check.ok)
      banners.push({ code: 'partner_invalid', agencyId: agency.id, reason: partner.check.code })
  }
  return banners
}

export function describeBanner(
  banner: CertificateBanner,
  language: StaffLanguage,
  agencies: readonly Agency[],
): string {
  switch (banner.code) {
    case 'own_expiring':
      return say(
        language,
        `Das Zertifikat Ihrer Stelle läuft in ${banner.daysLeft} Tagen ab. Bitte veranlassen Sie rechtzeitig ein neues – ohne gültiges Zertifikat kann nichts gesendet werden.`,
        `Your agency's certificate expires in ${banner.daysLeft} days. Please arrange a new one in time – without a valid certificate nothing can be sent.`,
      )
    case 'own_invalid':
      return say(
        language,
        `Ihre Stelle hat kein gültiges Zertifikat (${banner.reason}). Senden ist nicht möglich; bitte wenden Sie sich an die Administration.`,
        `Your agency has no valid certificate (${banner.reason}). Sending is impossible; please contact the administrator.`,
      )
    case 'partner_invalid': {
      const name = agencies.find((a) => a.id === banner.agencyId)?.name ?? banner.agencyId
      return say(
        language,
        `Das Zertifikat von ${name} ist nicht gültig (${banner.reason}). An diese Stelle kann derzeit nichts verschlüsselt gesendet werden.`,
        `The certificate of ${name} is not valid (${banner.reason}). Nothing can be sent encrypted to this agency at present.`,
      )
    }
  }
}
