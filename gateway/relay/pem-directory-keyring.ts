import { createPrivateKey } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findAgency } from '../../db/account-repository.ts'
import { decodePem } from '../../crypto/certificate-pem.ts'
import { validateCertificate } from '../../crypto/certificate-validation.ts'
import type { HardwareKeys } from '../crypto/hardware-keys.ts'
import type { Deps } from '../deps.ts'
import type { AgencyKeyring, RecipientIdentity, SignerLookup } from './ports.ts'

/**
 * A keyring over a directory laid out like `brucke pki demo --out DIR` (docs/design.md §6):
 * `ca.pem` (the trust anchor), optional `ca.crl.pem`, and per agency `<id>.cert.pem` and
 * `<id>.key.pem`. Certificates are validated (chain, validity, keyUsage/EKU, mailbox, CRL) at
 * the caller's instant on every lookup, so a CRL or expiry takes effect at once. The key files
 * are unencrypted — demo and test material; production keys belong in the encrypted key store
 * or in a hardware token (`hardware`: then `<id>.key.pem` is not read for that agency).
 */
export function createPemDirectoryKeyring(
  deps: Pick<Deps, 'db'>,
  directory: string,
  hardware?: HardwareKeys,
): AgencyKeyring {
  const read = (name: string): string | undefined => {
    const path = join(directory, name)
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined
  }
  const anchors = (): Buffer[] => {
    const pem = read('ca.pem')
    return pem ? [decodePem(pem, 'CERTIFICATE')] : []
  }
  const crls = (): Buffer[] => {
    const pem = read('ca.crl.pem')
    return pem ? [decodePem(pem, 'X509 CRL')] : []
  }
  const check = (
    certificate: Buffer,
    mailbox: string,
    usage: 'sign' | 'encrypt',
    at: Date,
  ): RecipientIdentity['check'] => {
    const currentCrls = crls()
    const result = validateCertificate({
      certificate,
      trustAnchors: anchors(),
      crls: currentCrls,
      at,
      expectedEmail: mailbox,
      usage,
      crlPolicy: currentCrls.length > 0 ? 'require' : 'if-present',
    })
    return result.ok ? { ok: true } : { ok: false, code: result.code }
  }
  return {
    async signer(agencyId: string, at: Date): Promise<SignerLookup> {
      const agency = await findAgency(deps.db, agencyId)
      if (!agency) return { ok: false, problem: 'agency_unknown' }
      const certificatePem = read(`${agencyId}.cert.pem`)
      if (!certificatePem) return { ok: false, problem: 'certificate_missing' }
      const inToken = hardware?.holds(agencyId) === true
      const keyPem = inToken ? undefined : read(`${agencyId}.key.pem`)
      if (!inToken && !keyPem) return { ok: false, problem: 'key_missing' }
      const certificate = decodePem(certificatePem, 'CERTIFICATE')
      const checked = check(certificate, agency.mailbox, 'sign', at)
      if (!checked.ok)
        return { ok: false, problem: 'certificate_invalid', certificateCode: checked.code }
      const key = keyPem
        ? createPrivateKey(keyPem)
        : hardware?.forAgency(agencyId, certificate)?.key
      if (key === undefined) return { ok: false, problem: 'key_missing' }
      return {
        ok: true,
        identity: {
          agencyId,
          mailbox: agency.mailbox,
          key,
          certificate,
          chain: anchors(),
        },
      }
    },
    async recipient(agencyId: string, at: Date): Promise<RecipientIdentity | undefined> {
      const agency = await findAgency(deps.db, agencyId)
      const certificatePem = read(`${agencyId}.cert.pem`)
      if (!agency || !certificatePem) return undefined
      const certificate = decodePem(certificatePem, 'CERTIFICATE')
      return {
        agencyId,
        mailbox: agency.mailbox,
        certificate,
        profile: agency.smimeProfile,
        check: check(certificate, agency.mailbox, 'encrypt', at),
      }
    },
  }
}
