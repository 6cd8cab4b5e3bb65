import { decodePem } from '../../crypto/certificate-pem.ts'
import type { PrivateKey } from '../../crypto/private-key-operations.ts'
import { listDecryptionCertificates, type InboundCertificate } from '../../db/inbound-repository.ts'
import { keyStoreOf } from '../crypto/certificate-service.ts'
import type { Deps } from '../deps.ts'

/** A certificate of the receiving agency with the key that opens what was encrypted to it. */
export interface DecryptionKey {
  certificate: Buffer
  key: PrivateKey
}

/**
 * Every key a hosted agency can decrypt with at `at`: one per active, not yet retired
 * certificate (so a partner still encrypting to the old certificate during a rollover is read),
 * opened from the key store or operated in the hardware token. With a PEM directory as keyring
 * (`RELAY_PKI_DIR`) the keyring's signing identity is the one key.
 */
export async function decryptionKeysOf(
  deps: Pick<Deps, 'db' | 'config' | 'relay'>,
  agencyId: string,
  at: Date,
  /** The agency's decryption certificates when the caller read them already (one read less). */
  records?: readonly InboundCertificate[],
): Promise<DecryptionKey[]> {
  const keys: DecryptionKey[] = []
  const store = keyStoreOf(deps)
  const hardware = deps.relay.hardwareKeys
  // The current key comes from the keyring's cache (opening a sealed key costs a PBKDF2 run and a
  // key parse per message); only older certificates of a rollover are opened from the store.
  const current = await deps.relay.keyring.signer(agencyId, at)
  for (const record of records ?? (await listDecryptionCertificates(deps.db, agencyId, at))) {
    const certificate = decodePem(record.certificatePem, 'CERTIFICATE')
    if (current.ok && current.identity.certificate.equals(certificate)) {
      keys.push({ certificate, key: current.identity.key })
    } else if (hardware?.holds(agencyId) === true) {
      const key = hardware.forAgency(agencyId, certificate)?.key
      if (key !== undefined) keys.push({ certificate, key })
    } else if (record.sealedKeyPem !== null) {
      keys.push({ certificate, key: store.open(record.sealedKeyPem) })
    }
  }
  if (keys.length > 0) return keys
  return current.ok
    ? [{ certificate: current.identity.certificate, key: current.identity.key }]
    : []
}
