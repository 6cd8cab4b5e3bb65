import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { ConsentTextLibrary } from '../consent/consent-text.ts'
import type { Database } from '../db/database.ts'
import type { Tables } from '../db/tables.ts'
import type { PasswordVerifier } from './auth/password.ts'
import type { RuntimeParts } from './runtime-parts.ts'
import type { Config } from './runtime-config.ts'

export interface Clock {
  now(): Date
}

export interface IdSource {
  /** A new random identifier such as `cns_4f9k2…`; the prefix names the kind of record. */
  newId(prefix: string): string
}

/**
 * Everything a use case may touch. Only `gateway/main.ts` (and the CLI) build the real ones;
 * tests build them with a fixed clock, a real database file and a real SMTP server. The
 * {@link RuntimeParts} (derived keys, relay keyring and outbox signal, kiosk summaries) come from
 * `createRuntimeParts`, once per running gateway.
 */
export interface Deps extends RuntimeParts {
  config: Config
  database: Database
  db: Kysely<Tables>
  clock: Clock
  ids: IdSource
  log: Logger
  /** The consent text templates and their shipped approvals, read once at start. */
  consentTexts: ConsentTextLibrary
  /** Checks passwords (scrypt); tests wrap it to count the checks. */
  passwords: PasswordVerifier
}

export const systemClock: Clock = { now: () => new Date() }
