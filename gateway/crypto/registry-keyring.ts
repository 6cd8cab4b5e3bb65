import { decodePem } from '../../crypto/certificate-pem.ts'
import { findAgency } from '../../db/account-repository.ts'
import type { Deps } from '../deps.ts'
import type { AgencyKeyring, RecipientIdentity, SignerLookup } from '../relay/ports.ts'
import {
  findCurrentAgencyCertificate,
  findRevokedAgencyCertificate,
  openAgencyKey,
  validateRegisteredCertificate,
} from './certificate-service.ts'
import type { CrlFetcher } from './crl-source.ts'
import type { HardwareKeys } from './hardware-keys.ts'

/**
 * The relay's keyring over the certificate registry: the agency's newest active certificate,
 * validated at the caller's instant against the registered trust anchors and their CRLs (file or
 * URL, cached), and the private key opened from the key store (encrypted PKCS#8 at rest) — or,
 * for an agency whose key lives in a hardware token (`hardware`), operations on that key.
 */
export function createRegistryKeyring(
  deps: Pick<Deps, 'db' | 'config' | 'log'>,
  options: { fetchCrl?: CrlFetcher; hardware?: HardwareKeys } = {},
): AgencyKeyring {
  const fetcher = options.fetchCrl === undefined ? {} : { fetchCrl: options.fetchCrl }
  return {
    async signer(agencyId: string, at: Date): Promise<SignerLookup> {
      const agency = await findAgency(deps.db, agencyId)
      if (agency === undefined) return { ok: false, problem: 'agency_unknown' }
      // A key in the token needs no stored key next to the certificate.
      const inToken = options.hardware?.holds(agencyId) === true
      const record = await findCurrentAgencyCertificate(deps, agencyId, { withKey: !inToken, at })
      if (record === undefined) {
        // A certificate imported without its key still encrypts to the agency, but cannot sign.
        const withoutKey = await findCurrentAgencyCertificate(deps, agencyId, { at })
        if (withoutKey) return { ok: false, problem: 'key_missing' }
        // Only certificates withdrawn here: the cause is the revocation, not a missing import.
        return (await findRevokedAgencyCertificate(deps, agencyId))
          ? { ok: false, problem: 'certificate_invalid', certificateCode: 'ERR_CERT_REVOKED' }
          : { ok: false, problem: 'certificate_missing' }
      }
      const result = await validateRegisteredCertificate(deps, {
        record,
        mailbox: agency.mailbox,
        at,
        usage: 'sign',
        ...fetcher,
      })
      if (!result.ok) {
        deps.log.warn(
          { agencyId, certificateSha256: record.id, code: result.code },
          'own signing certificate is not valid',
        )
        return { ok: false, problem: 'certificate_invalid', certificateCode: result.code }
      }
      const [leaf, ...chain] = result.chain
      // A valid result always starts with the leaf; without one there is nothing to sign with.
      if (leaf === undefined) return { ok: false, problem: 'certificate_invalid' }
      const key = inToken
        ? options.hardware?.forAgency(agencyId, leaf.der)?.key
        : await openAgencyKey(deps, record.id)
      if (key === undefined) return { ok: false, problem: 'key_missing' }
      return {
        ok: true,
        identity: {
          agencyId,
          mailbox: agency.mailbox,
          key,
          certificate: leaf.der,
          chain: chain.map((certificate) => certificate.der),
        },
      }
    },
    async recipient(agencyId: string, at: Date): Promise<RecipientIdentity | undefined> {
      const agency = await findAgency(deps.db, agencyId)
      if (agency === undefined) return undefined
      const record = await findCurrentAgencyCertificate(deps, agencyId, { at })
      if (record === undefined) {
        // Only certificates withdrawn here (`brucke cert revoke`): refused as revoked, not missing.
        const revoked = await findRevokedAgencyCertificate(deps, agencyId)
        if (revoked === undefined) return undefined
        return {
          agencyId,
          mailbox: agency.mailbox,
          certificate: decodePem(revoked.certificatePem, 'CERTIFICATE'),
          profile: agency.smimeProfile,
          check: { ok: false, code: 'ERR_CERT_REVOKED' },
        }
      }
      const result = await validateRegisteredCertificate(deps, {
        record,
        mailbox: agency.mailbox,
        at,
        usage: 'encrypt',
        ...fetcher,
      })
      return {
        agencyId,
        mailbox: agency.mailbox,
        certificate: decodePem(record.certificatePem, 'CERTIFICATE'),
        profile: agency.smimeProfile,
        check: result.ok ? { ok: true } : { ok: false, code: result.code },
      }
    },
  }
}
