/**
 * Password login time for an unknown user name against a known one with a wrong password
 * (issue 8, point 9): both run one scrypt of the same cost (the unknown name against the dummy
 * hash), so the ratio unknown/known should be close to 1. Median of interleaved runs on SQLite,
 * each through `checkPasswordLogin` (user lookup, scrypt, audit entry).
 *
 * Run: `npx tsx bench/password-login.bench.ts [rounds]` (or through `npm run bench`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { insertUser } from '../db/account-repository.ts'
import { openDatabase } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'
import { checkPasswordLogin } from '../gateway/auth/password-login.ts'
import { hashPassword, scryptPasswords } from '../gateway/auth/password.ts'

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

export async function run(rounds = 15): Promise<{ unknownMs: number; knownMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'brucke-bench-login-'))
  const database = openDatabase(`file:${join(dir, 'login.db')}`)
  try {
    await migrateToLatest(database)
    const at = new Date('2026-03-02T09:00:00.000Z')
    await insertUser(
      database.db,
      {
        id: 'admin-bench',
        displayName: 'Bench',
        role: 'admin',
        agencyId: null,
        allAgencies: false,
        disabled: false,
        passwordHash: await hashPassword('the right password'),
      },
      at,
    )
    const deps = { db: database.db, passwords: scryptPasswords }
    const time = async (username: string) => {
      const start = process.hrtime.bigint()
      await checkPasswordLogin(deps, { username, password: 'a wrong guess', at })
      return Number(process.hrtime.bigint() - start) / 1e6
    }
    await time('admin-bench') // warm-up outside the figures
    const unknown: number[] = []
    const known: number[] = []
    for (let i = 0; i < rounds; i++) {
      unknown.push(await time(`nobody-${i}`))
      known.push(await time('admin-bench'))
    }
    const unknownMs = median(unknown)
    const knownMs = median(known)
    console.log(`password login, median of ${rounds} interleaved runs each (SQLite)`)
    console.log(`  unknown user name       ${unknownMs.toFixed(1)} ms`)
    console.log(`  known, wrong password   ${knownMs.toFixed(1)} ms`)
    console.log(`  ratio unknown/known     ${(unknownMs / knownMs).toFixed(2)}`)
    return { unknownMs, knownMs }
  } finally {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rounds = Number(process.argv[2] ?? 15)
  await run(Number.isInteger(rounds) && rounds > 0 ? rounds : undefined)
}
