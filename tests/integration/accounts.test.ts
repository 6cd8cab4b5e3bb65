import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findAgency, findUser, listAgencies } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { addAgency, addUser } from '../../gateway/accounts/account-service.ts'
import { verifyPassword } from '../../gateway/auth/password.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.each(dialects)('accounts on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(async () => t.close())

  it('when an agency and a user are added, then both are stored with an audit entry each', async () => {
    await addAgency(t.deps, {
      actor: 'system',
      agency: { id: 'jc-a', name: 'Jobcenter A', kind: 'jobcenter', mailbox: 'U25@JC-A.example' },
    })
    await addUser(t.deps, {
      actor: 'system',
      user: {
        id: 'fm-a',
        displayName: 'Frau A',
        role: 'staff',
        agencyId: 'jc-a',
        password: 'a long enough password',
      },
    })
    expect(await findAgency(t.deps.db, 'jc-a')).toMatchObject({
      mailbox: 'u25@jc-a.example',
      smimeProfile: 'modern',
    })
    const stored = await t.deps.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', 'fm-a')
      .executeTakeFirstOrThrow()
    expect(stored.password_hash).toMatch(/^scrypt\$/)
    expect(await verifyPassword('a long enough password', stored.password_hash!)).toBe(true)
    expect(await verifyPassword('a wrong password!!', stored.password_hash!)).toBe(false)
    const entries = await listAuditEntries(t.deps.db, { limit: 10 })
    expect(entries.map((e) => e.event.type)).toEqual(['agency_added', 'user_added'])
    expect(entries.map((e) => e.seq)).toEqual([1, 2])
  })

  it('when the same agency id is added twice, then the second is refused and nothing changes', async () => {
    const before = await listAgencies(t.deps.db)
    await expect(
      addAgency(t.deps, {
        actor: 'system',
        agency: { id: 'jc-a', name: 'Another', kind: 'jobcenter', mailbox: 'other@jc-a.example' },
      }),
    ).rejects.toMatchObject({ code: 'conflict' })
    expect(await listAgencies(t.deps.db)).toEqual(before)
  })

  it('when a staff account names an unknown agency, then no account and no audit entry are written', async () => {
    const auditBefore = (await listAuditEntries(t.deps.db, { limit: 100 })).length
    await expect(
      addUser(t.deps, {
        actor: 'system',
        user: {
          id: 'ghost',
          displayName: 'Ghost',
          role: 'staff',
          agencyId: 'nope',
          password: 'a long enough password',
        },
      }),
    ).rejects.toMatchObject({ code: 'validation_failed' })
    expect(await findUser(t.deps.db, 'ghost')).toBeUndefined()
    expect((await listAuditEntries(t.deps.db, { limit: 100 })).length).toBe(auditBefore)
  })

  it('when a staff account has no agency, then it is refused', async () => {
    await expect(
      addUser(t.deps, {
        actor: 'system',
        user: {
          id: 'loose',
          displayName: 'Loose',
          role: 'staff',
          password: 'a long enough password',
        },
      }),
    ).rejects.toThrow(/agency/)
  })
})
