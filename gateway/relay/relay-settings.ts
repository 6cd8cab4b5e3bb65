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
  /** The longest retry delay: a receiver back from an outage is drained within it (issue 19). */
  backoffCapMs: number
  /** A claim not renewed for this long is taken to belong to a dead worker. */
  leaseMs: number
  /** How often a live worker renews the claims it holds (well below `leaseMs`). */
  heartbeatMs: number
  /** Tries of the commit that records an SMTP outcome before the worker gives up on it. */
  outcomeCommitTries: number
}

export function relaySettingsOf(config: Config): RelaySettings {
  const pkiDir = config.relayPkiDir
  return {
    retryHorizonMs: config.relayRetryHorizonMinutes * 60_000,
    pollMs: config.relayPollMs,
    pkiDir: pkiDir === undefined || isAbsolute(pkiDir) ? pkiDir : resolve(pkiDir),
    catchallDir: join(config.dataDir, 'catchall'),
    backoffBaseMs: 5_000,
    backoffCapMs: config.relayBackoffCapSeconds * 1000,
    leaseMs: config.relayLeaseSeconds * 1000,
    heartbeatMs: config.relayHeartbeatSeconds * 1000,
    outcomeCommitTries: 4,
  }
}
