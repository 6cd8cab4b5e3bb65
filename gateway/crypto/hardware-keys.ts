import { readFileSync } from 'node:fs'
import type { Logger } from 'pino'
import { readCmsCertificate } from '../../crypto/cms-certificate.ts'
import { KeyError } from '../../crypto/errors.ts'
import type { PrivateKeyOperations } from '../../crypto/private-key-operations.ts'
import type { Config } from '../runtime-config.ts'
import { openPkcs11Token, type Pkcs11Token, type TokenSettings } from './pkcs11-token.ts'

/** The configuration keys of "Keys in hardware" (docs/operator-guide.md). */
export type HardwareKeyConfig = Pick<
  Config,
  'pkcs11Module' | 'pkcs11TokenLabel' | 'pkcs11Pin' | 'pkcs11PinFile' | 'pkcs11AgencyKeys'
>

/**
 * The agency keys that live in a PKCS#11 token (`PKCS11_AGENCY_KEYS`); every other agency keeps
 * its stored or file key. The token is opened at the first use, not at start, so a gateway
 * whose token is briefly away still serves everything that does not sign.
 */
export interface HardwareKeys {
  /**
   * undefined: this agency's key is not configured to be in the token. Otherwise the operations
   * on the key, or undefined with the reason logged (token unreachable, label not found, or a
   * key that does not belong to `certificate`).
   */
  forAgency(
    agencyId: string,
    certificate: Uint8Array,
  ): { key: PrivateKeyOperations | undefined } | undefined
  /** Whether this agency's key is configured to be in the token. */
  holds(agencyId: string): boolean
  close(): void
}

/** The token settings, or undefined when no module is configured; reads the PIN file. */
export function tokenSettingsOf(config: HardwareKeyConfig): TokenSettings | undefined {
  if (config.pkcs11Module === undefined) return undefined
  const pin = config.pkcs11Pin ?? readPin(config.pkcs11PinFile)
  return { module: config.pkcs11Module, tokenLabel: config.pkcs11TokenLabel, pin }
}

/** undefined when no agency key is mapped to the token (the default: file keys only). */
export function createHardwareKeys(
  config: HardwareKeyConfig,
  log: Pick<Logger, 'error' | 'warn'>,
): HardwareKeys | undefined {
  const labels = config.pkcs11AgencyKeys
  if (Object.keys(labels).length === 0) return undefined
  let token: Pkcs11Token | undefined
  const open = (): Pkcs11Token => {
    if (token) return token
    const settings = tokenSettingsOf(config)
    if (settings === undefined) {
      throw new KeyError('ERR_KEY_TOKEN', 'PKCS11_AGENCY_KEYS is set but PKCS11_MODULE is not')
    }
    token = openPkcs11Token(settings)
    return token
  }
  return {
    holds: (agencyId) => Object.hasOwn(labels, agencyId),
    forAgency(agencyId, certificate) {
      const label = Object.hasOwn(labels, agencyId) ? labels[agencyId] : undefined
      if (label === undefined) return undefined
      let key: PrivateKeyOperations | undefined
      try {
        key = open().keyOperations(label)
      } catch (error) {
        log.error({ agencyId, label, err: error }, 'the key token cannot be used')
        return { key: undefined }
      }
      if (key === undefined) {
        log.error({ agencyId, label }, 'the key token holds no private key with this label')
        return { key: undefined }
      }
      const fromCertificate = readCmsCertificate(certificate).publicKey.export({
        type: 'spki',
        format: 'der',
      })
      if (!key.publicKey.export({ type: 'spki', format: 'der' }).equals(fromCertificate)) {
        log.error({ agencyId, label }, 'the key in the token does not belong to the certificate')
        return { key: undefined }
      }
      return { key }
    },
    close() {
      token?.close()
      token = undefined
    },
  }
}

function readPin(file: string | undefined): string {
  if (file === undefined) {
    throw new KeyError('ERR_KEY_TOKEN', 'PKCS11_PIN_FILE (or PKCS11_PIN) is needed for the token')
  }
  try {
    return readFileSync(file, 'utf8').trim()
  } catch (cause) {
    throw new KeyError('ERR_KEY_TOKEN', 'cannot read PKCS11_PIN_FILE', {
      cause,
      details: { file },
    })
  }
}
