import { isAbsolute, join, resolve } from 'node:path'
import type { Config } from '../runtime-config.ts'

/** The relay's settings in the units the relay uses (config keys `relay*`, docs/design.md §6). */
export interface RelaySettings {
  retryHorizonMs: number
  pollMs: number
  /** A PEM directory of agency certificates and keys; undefined → the certificate registry. */
  pkiDir: string | undefined
  catchallDir: string
  /** Base of the exponential backoff (RFC 5321 §4.5.4.1 suggests ≥ 30 min; we start small). */
  backoffBaseMs: number
  backoffCapMs: number
  /** A claim older than this is taken to belong to a dead worker. */
  leaseMs: number
}

export function relaySettingsOf(config: Config): RelaySettings {
  const pkiDir = config.relayPkiDir
  return {
    retryHorizonMs: config.relayRetryHorizonMinutes * 60_000,
    pollMs: config.relayPollMs,
    pkiDir: pkiDir === undefined || isAbsolute(pkiDir) ? pkiDir : resolve(pkiDir),
    catchallDir: join(config.dataDir, 'catchall'),
    backoffBaseMs: 5_000,
    backoffCapMs: 30 * 60_000,
    leaseMs: config.relayLeaseSeconds * 1000,
  }
}
