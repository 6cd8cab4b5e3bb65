import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../db/database.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { writeDemoPki } from '../../gateway/crypto/demo-pki-files.ts'
import { ensureDemoSetup } from '../../gateway/demo-setup.ts'
import { resolveConfig } from '../../gateway/runtime-config.ts'
import { createTestDeps } from '../support/test-deps.ts'

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8).padStart(3, '0')
}

/**
 * Every file with personal data or secrets is the service user's alone, whatever umask the
 * process was started with. The tests run under umask 000, the most permissive one, so a mode
 * left to the environment shows up as 666 or 777. (vitest runs each file in a forked process of
 * its own: the umask reaches nothing else.)
 */
describe('modes of the files Brücke creates (umask 000)', () => {
  let umask: number
  let root: string

  beforeAll(() => {
    umask = process.umask(0o000)
  })
  afterAll(() => {
    process.umask(umask)
  })
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'brucke-modes-'))
  })
  afterEach(() => {
    rmSync(root, { recursive: true, force: true })
  })

  it('when DATABASE_URL names a SQLite file in missing directories, then they are made 0700 and the database, its WAL and SHM 0600', async () => {
    const file = join(root, 'x', 'y', 'z.db')
    const database = openDatabase(`file:${file}`)
    await migrateToLatest(database) // writes: the WAL and the shared-memory index appear
    expect(existsSync(`${file}-wal`)).toBe(true)
    expect(existsSync(`${file}-shm`)).toBe(true)
    expect({
      x: modeOf(join(root, 'x')),
      y: modeOf(join(root, 'x', 'y')),
      db: modeOf(file),
      wal: modeOf(`${file}-wal`),
      shm: modeOf(`${file}-shm`),
    }).toEqual({ x: '700', y: '700', db: '600', wal: '600', shm: '600' })
    await database.close()
    // The directory that was there already is not Brücke's: its mode stays.
    expect(modeOf(root)).toBe('700') // mkdtemp's own mode
  })

  it('when the SQLite database exists, then it opens with the mode its operator gave it', async () => {
    const file = join(root, 'existing.db')
    writeFileSync(file, '', { mode: 0o640 })
    const database = openDatabase(`file:${file}`)
    await migrateToLatest(database)
    expect(modeOf(file)).toBe('640')
    await database.close()
  })

  it('when the demo generates its master and token keys, then they are 0600 in a data directory made 0700', () => {
    const dataDir = join(root, 'deep', 'data')
    const config = resolveConfig({ BRUCKE_DATA_DIR: dataDir }, root)
    expect(config.demo).toBe(true)
    expect({
      deep: modeOf(join(root, 'deep')),
      data: modeOf(dataDir),
      master: modeOf(join(dataDir, 'master.key')),
      token: modeOf(join(dataDir, 'token.key')),
    }).toEqual({ deep: '700', data: '700', master: '600', token: '600' })
    // The next start reads the same keys.
    expect(resolveConfig({ BRUCKE_DATA_DIR: dataDir }, root).secrets.masterKey).toEqual(
      config.secrets.masterKey,
    )
  })

  it('when the demo PKI is written, then the directory is 0700, private keys and .p12 files 0600, even where they existed wider', () => {
    const dir = join(root, 'out', 'pki')
    writeDemoPki(dir, { 'ca.pem': 'CA', 'ca.crl.pem': 'CRL', 'jc.key.pem': 'KEY', 'jc.p12': 'P12' })
    expect({
      out: modeOf(join(root, 'out')),
      pki: modeOf(dir),
      key: modeOf(join(dir, 'jc.key.pem')),
      p12: modeOf(join(dir, 'jc.p12')),
    }).toEqual({ out: '700', pki: '700', key: '600', p12: '600' })
    // A key file left world-readable by something else is narrowed before the new key is in it.
    chmodSync(join(dir, 'jc.key.pem'), 0o666)
    expect(modeOf(join(dir, 'jc.key.pem'))).toBe('666')
    writeDemoPki(dir, { 'jc.key.pem': 'NEW KEY' })
    expect(modeOf(join(dir, 'jc.key.pem'))).toBe('600')
    expect(readFileSync(join(dir, 'jc.key.pem'), 'utf8')).toBe('NEW KEY')
  })

  it('when the demo setup runs, then the generated passwords, the demo PKI keys and its database are private', async () => {
    const dataDir = join(root, 'data')
    const t = await createTestDeps('sqlite', { config: { dataDir } })
    try {
      const outcome = await ensureDemoSetup(t.deps)
      expect(outcome.created).toBe(true)
      expect(modeOf(dataDir)).toBe('700')
      expect(modeOf(outcome.credentialsFile)).toBe('600')
      expect(modeOf(join(dataDir, 'demo-pki'))).toBe('700')
      expect(modeOf(join(dataDir, 'demo-pki', 'jc-demo.key.pem'))).toBe('600')
      const testDb = t.testDatabase.url.slice('file:'.length)
      expect(modeOf(testDb)).toBe('600')
    } finally {
      await t.close()
    }
  }, 60_000)
})
