import type { Migration } from 'kysely'
import * as accounts from './0001-accounts.ts'
import * as auditEntries from './0002-audit-entries.ts'
import * as accountRevocation from './0003-account-revocation.ts'
import * as agencyPrivacyNotice from './0004-agency-privacy-notice.ts'
import * as readinessProbe from './0005-readiness-probe.ts'
import * as idempotencyKeys from './0010-idempotency-keys.ts'
import * as agencyFederation from './0020-agency-federation.ts'
import * as consents from './0101-consents.ts'
import * as consentIntegrity from './0102-consent-integrity.ts'
import * as consentPrivacyNotices from './0103-consent-privacy-notices.ts'
import * as entrustedCategories from './0104-entrusted-categories.ts'
import * as consentRenewal from './0110-consent-renewal.ts'
import * as certificates from './0201-certificates.ts'
import * as certificateRetirement from './0210-certificate-retirement.ts'
import * as crlFetches from './0220-crl-fetches.ts'
import * as auditIndexTrim from './0310-audit-index-trim.ts'
import * as transfers from './0401-transfers.ts'
import * as revocationSweep from './0402-revocation-sweep.ts'
import * as transferMailboxes from './0403-transfer-mailboxes.ts'
import * as transferHandoff from './0404-transfer-handoff.ts'
import * as partnerPauses from './0410-partner-pauses.ts'
import * as inboundItems from './0420-inbound-items.ts'
import * as transferSenderCopies from './0430-transfer-sender-copies.ts'
import * as kiosk from './0501-kiosk.ts'
import * as kioskIntegrity from './0502-kiosk-integrity.ts'
import * as composerDrafts from './0610-composer-drafts.ts'
import * as staffNotifications from './0620-staff-notifications.ts'
import * as trustMaterialVersion from './0630-trust-material-version.ts'
import * as ciphertextStorage from './0640-ciphertext-storage.ts'

/**
 * Every migration, by name; names sort in the order they apply. Number ranges per area keep
 * parallel work apart: 0001–0099 foundation, 01xx consent, 02xx crypto, 03xx audit, 04xx relay,
 * 05xx kiosk, 06xx staff workplace.
 */
export const migrations: Record<string, Migration> = {
  '0001-accounts': accounts,
  '0002-audit-entries': auditEntries,
  '0003-account-revocation': accountRevocation,
  '0004-agency-privacy-notice': agencyPrivacyNotice,
  '0005-readiness-probe': readinessProbe,
  '0010-idempotency-keys': idempotencyKeys,
  '0020-agency-federation': agencyFederation,
  '0101-consents': consents,
  '0102-consent-integrity': consentIntegrity,
  '0103-consent-privacy-notices': consentPrivacyNotices,
  '0104-entrusted-categories': entrustedCategories,
  '0110-consent-renewal': consentRenewal,
  '0201-certificates': certificates,
  '0210-certificate-retirement': certificateRetirement,
  '0220-crl-fetches': crlFetches,
  '0310-audit-index-trim': auditIndexTrim,
  '0401-transfers': transfers,
  '0402-revocation-sweep': revocationSweep,
  '0403-transfer-mailboxes': transferMailboxes,
  '0404-transfer-handoff': transferHandoff,
  '0410-partner-pauses': partnerPauses,
  '0420-inbound-items': inboundItems,
  '0430-transfer-sender-copies': transferSenderCopies,
  '0501-kiosk': kiosk,
  '0502-kiosk-integrity': kioskIntegrity,
  '0610-composer-drafts': composerDrafts,
  '0620-staff-notifications': staffNotifications,
  '0630-trust-material-version': trustMaterialVersion,
  '0640-ciphertext-storage': ciphertextStorage,
}
