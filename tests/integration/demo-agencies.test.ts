import { describe, expect, it } from 'vitest'
import { listAgencies, listUsersOfAgency } from '../../db/account-repository.ts'
import { listHostedAgencyIds } from '../../db/federation-repository.ts'
import { ensureDemoSetup } from '../../gateway/demo-setup.ts'
import { ConfigError } from '../../gateway/runtime-config.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps } from '../support/test-deps.ts'

describe.each(dialects)('BRUCKE_DEMO_AGENCIES on %s', (dialect) => {
  it('when only the Jugendamt is chosen, then the demo hosts it with its staff, the DPO and the admin, and no kiosk', async () => {
    const t = await createTestDeps(dialect, { config: { demoAgencies: ['ja-demo'] } })
    try {
      const outcome = await ensureDemoSetup(t.deps)
      expect((await listAgencies(t.deps.db)).map((agency) => agency.id)).toEqual(['ja-demo'])
      expect([...(await listHostedAgencyIds(t.deps.db))]).toEqual(['ja-demo'])
      expect(outcome.credentials.map((c) => c.id).sort()).toEqual([
        'demo-admin',
        'demo-dpo',
        'demo-ja',
      ])
      // The DPO sits at a hosted agency (and reads all of them).
      expect((await listUsersOfAgency(t.deps.db, 'ja-demo')).map((u) => u.id)).toEqual([
        'demo-dpo',
        'demo-ja',
      ])
    } finally {
      await t.close()
    }
  }, 120_000)

  it('when the Jobcenter is among them, then its kiosk is set up too', async () => {
    const t = await createTestDeps(dialect, { config: { demoAgencies: ['jc-demo', 'aa-demo'] } })
    try {
      const outcome = await ensureDemoSetup(t.deps)
      expect((await listAgencies(t.deps.db)).map((agency) => agency.id)).toEqual([
        'aa-demo',
        'jc-demo',
      ])
      expect(outcome.credentials.map((c) => c.id).sort()).toEqual([
        'demo-aa',
        'demo-admin',
        'demo-dpo',
        'demo-jc',
        'demo-kiosk',
      ])
    } finally {
      await t.close()
    }
  }, 120_000)

  it('when an unknown agency is named, then the setup stops with a message naming the setting, before writing anything', async () => {
    const t = await createTestDeps(dialect, { config: { demoAgencies: ['ja-demo', 'xx-demo'] } })
    try {
      const failure = ensureDemoSetup(t.deps)
      await expect(failure).rejects.toBeInstanceOf(ConfigError)
      await expect(failure).rejects.toThrow(/BRUCKE_DEMO_AGENCIES.*xx-demo/)
      expect(await listAgencies(t.deps.db)).toEqual([])
    } finally {
      await t.close()
    }
  })
})
