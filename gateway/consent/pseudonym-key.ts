import { derivePseudonymKey } from '../../consent/pseudonym.ts'
import type { Config } from '../runtime-config.ts'

const keys = new WeakMap<Buffer, Buffer>()

/** The pseudonym key, derived from the master secret with HKDF (info 'brucke pseudonym v1'). */
export function pseudonymKeyOf(config: Pick<Config, 'secrets'>): Buffer {
  const master = config.secrets.masterKey
  let key = keys.get(master)
  if (!key) {
    key = derivePseudonymKey(master)
    keys.set(master, key)
  }
  return key
}
