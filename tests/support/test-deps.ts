import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import type { ConsentTextLibrary } from '../../consent/consent-text.ts'
import { configSchema } from '../../config/schema.ts'
import type { Database, DialectName } from '../../db/database.ts'
import { scryptPasswords } from '../../gateway/auth/password.ts'
import type { Deps } from '../../gateway/deps.ts'
import { randomIds } from '../../gateway/ids.ts'
import { createLogger } from '../../gateway/logger.ts'
import { createRuntimeParts } from '../../gateway/runtime-parts.ts'
import { loadConsentTextLibrary } from '../../templates/consent/load-consent-templates.ts'
import type { Config } from '../../gateway/runtime-config.ts'
import { createTestDatabase, type TestDatabase } from './databases.ts'
import { TestClock } from './test-clock.ts'

export interface TestDeps {
  deps: Deps
  clock: TestClock
  testDatabase: TestDatabase
  /** Every log line written, so tests can assert that no personal data reached the log. */
  logLines: string[]
  close(): Promise<void>
}

/** The schema's defaults (as a deployment without settings gets them), then the test's values. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'brucke-data-'))
  return {
    ...configSchema.parse({}),
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://127.0.0.1',
    dataDir,
    databaseUrl: 'file::memory:',
    smtpIngressPort: 0,
    inboundSmtpPort: 0,
    demo: false,
    logLevel: 'info',
    tokenTtlMinutes: 60,
    sessionIdleMinutes: 30,
    cookieSecure: false,
    consentMaxMonths: 12,
    guardianAge: 18,
    secrets: { masterKey: randomBytes(32), tokenKey: randomBytes(32) },
    ...overrides,
  }
}

/** Real database of the given dialect, fixed clock, captured logs. */
export async function createTestDeps(
  dialect: DialectName,
  options: { clock?: TestClock; config?: Partial<Config>; consentTexts?: ConsentTextLibrary } = {},
): Promise<TestDeps> {
  const testDatabase = await createTestDatabase(dialect)
  const made = depsOnDatabase(testDatabase.database, {
    ...options,
    config: { databaseUrl: testDatabase.url, ...options.config },
  })
  return { ...made, testDatabase, close: () => testDatabase.drop() }
}

/**
 * Deps on a database the test opened itself (e.g. on a small tmpfs, or a cluster of its own):
 * fixed clock, captured logs. The caller closes the database.
 */
export function depsOnDatabase(
  database: Database,
  options: { clock?: TestClock; config?: Partial<Config>; consentTexts?: ConsentTextLibrary } = {},
): { deps: Deps; clock: TestClock; logLines: string[] } {
  const clock = options.clock ?? new TestClock()
  const logLines: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logLines.push(chunk.toString('utf8'))
      callback()
    },
  })
  const config = testConfig({ ...options.config })
  const base = {
    config,
    database,
    db: database.db,
    clock,
    ids: randomIds,
    log: createLogger('info', sink),
    consentTexts: options.consentTexts ?? loadConsentTextLibrary(),
    passwords: scryptPasswords,
  }
  const deps: Deps = { ...base, ...createRuntimeParts(base) }
  return { deps, clock, logLines }
}
