import type { HardwareKeys } from '../crypto/hardware-keys.ts'
import { createRegistryKeyring } from '../crypto/registry-keyring.ts'
import type { Deps } from '../deps.ts'
import { createCachingKeyring } from './caching-keyring.ts'
import { createPemDirectoryKeyring } from './pem-directory-keyring.ts'
import type { AgencyKeyring } from './ports.ts'
import { relaySettingsOf } from './relay-settings.ts'

/** How long a keyring lookup is reused (see {@link createCachingKeyring}). */
export const keyringCacheMs = 5_000

/**
 * The keyring the relay uses: the certificate registry with the encrypted key store (what
 * `brucke cert import` and the demo setup fill), or — when `relayPkiDir` is configured — a PEM
 * directory laid out like `brucke pki demo --out DIR`; lookups cached for {@link keyringCacheMs}.
 * Agencies named in `PKCS11_AGENCY_KEYS` sign with their key in the hardware token (`hardware`).
 * Built once per running gateway (`Deps.relay.keyring`), so the cache is shared by the API, the
 * pages, the SMTP ingress and the delivery worker.
 */
export function createRelayKeyring(
  deps: Pick<Deps, 'db' | 'config' | 'log'>,
  hardware?: HardwareKeys,
): AgencyKeyring {
  const directory = relaySettingsOf(deps.config).pkiDir
  return createCachingKeyring(
    directory === undefined
      ? createRegistryKeyring(deps, hardware === undefined ? {} : { hardware })
      : createPemDirectoryKeyring(deps, directory, hardware),
    keyringCacheMs,
  )
}
