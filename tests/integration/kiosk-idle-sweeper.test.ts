import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import { startKioskIdleSweeper, wipeIdleKiosks } from '../../gateway/kiosk/kiosk-idle-sweeper.ts'
import {
  currentKioskSession,
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
} from '../../gateway/kiosk/kiosk-service.ts'
import { configSchema } from '../../config/schema.ts'
import { addUser } from '../../gateway/accounts/account-service.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { freePort, startBruckeServe } from '../support/cli.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { drawnSignature } from '../support/signature-evidence.ts'

const kioskOf = (userId: string): Principal => ({
  userId,
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
})
const drawn = drawnSignature()
const idleMs = configSchema.parse({}).kioskIdleSeconds * 1000

describe.each(dialects)('kiosk idle sweeper on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    await addUser(t.deps, {
      actor: 'system',
      user: {
        id: 'kiosk-jc-2',
        role: 'kiosk',
        agencyId: 'jc-demo',
        displayName: 'Second kiosk',
        password: testPassword,
      },
    })
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  /** A draft picked up and signed on the kiosk: the device now shows the receipt code. */
  async function finishedKiosk(kiosk: Principal): Promise<string> {
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(draft.status).toBe(201)
    await startFromPickupCode(t.deps, kiosk, (draft.body as { kioskCode: string }).kioskCode)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, { recipients: ['ja-demo'], categories: ['schule'] })
    await signAtKiosk(t.deps, kiosk, { name: 'Leonie Quastenberg', evidence: drawn })
    const state = await findKioskState(t.deps.db, kiosk.userId)
    expect(state?.step).toBe('receipt')
    expect(state?.receiptCode).toMatch(/\S{8,}/)
    return state!.receiptCode!
  }

  it('when a finished kiosk stays idle for KIOSK_IDLE_SECONDS, then one sweep tick wipes its receipt code without any request from it', async () => {
    const kiosk = kioskOf('kiosk-jc')
    const code = await finishedKiosk(kiosk)
    // Just short of idle: nothing happens.
    t.clock.advance(idleMs - 1)
    expect(await wipeIdleKiosks(t.deps)).toBe(0)
    expect((await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode).toBe(code)
    // Idle: the sweep wipes it — the kiosk never asked again.
    t.clock.advance(1)
    expect(await wipeIdleKiosks(t.deps)).toBe(1)
    expect(await findKioskState(t.deps.db, 'kiosk-jc')).toBeUndefined()
    const rows = await t.deps.db.selectFrom('kiosk_states').select('receipt_code').execute()
    expect(JSON.stringify(rows)).not.toContain(code)
    // The device starts empty.
    expect(await currentKioskSession(t.deps, kiosk)).toBeUndefined()
  })

  it('when one kiosk is idle and another busy, then only the idle one is wiped', async () => {
    const idle = kioskOf('kiosk-jc')
    const busy = kioskOf('kiosk-jc-2')
    await finishedKiosk(idle)
    t.clock.advance(idleMs / 2)
    const busyCode = await finishedKiosk(busy)
    t.clock.advance(idleMs / 2)
    expect(await wipeIdleKiosks(t.deps)).toBe(1)
    expect(await findKioskState(t.deps.db, 'kiosk-jc')).toBeUndefined()
    expect((await findKioskState(t.deps.db, 'kiosk-jc-2'))?.receiptCode).toBe(busyCode)
    t.clock.advance(idleMs / 2)
    expect(await wipeIdleKiosks(t.deps)).toBe(1)
    expect(await findKioskState(t.deps.db, 'kiosk-jc-2')).toBeUndefined()
  })

  it('when the sweeper service runs, then it wipes an idle kiosk on its own, tick after tick', async () => {
    await finishedKiosk(kioskOf('kiosk-jc'))
    const service = await startKioskIdleSweeper(t.deps, 10)
    try {
      expect(service.name).toBe('kiosk-idle-sweeper')
      // Not idle yet: ticks come and go, the state stays.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(await findKioskState(t.deps.db, 'kiosk-jc')).toBeDefined()
      t.clock.advance(idleMs)
      await eventually(async () => (await findKioskState(t.deps.db, 'kiosk-jc')) === undefined)
    } finally {
      await service.stop()
    }
  })

  it('when brucke serve runs, then it starts the sweeper: a kiosk idle since long ago is wiped though it never asks again', async () => {
    await finishedKiosk(kioskOf('kiosk-jc'))
    // The child process reads the system clock; a tablet left on since long ago.
    await t.deps.db
      .updateTable('kiosk_states')
      .set({ updated_at: '2000-01-01T00:00:00.000Z' })
      .where('kiosk_id', '=', 'kiosk-jc')
      .execute()
    const serve = await startBruckeServe({
      env: {
        PORT: String(await freePort()),
        DATABASE_URL: t.testDatabase.url,
        SMTP_INGRESS_PORT: 'off',
        BRUCKE_DEMO: 'false',
        BRUCKE_MASTER_KEY: t.deps.config.secrets.masterKey.toString('base64'),
        BRUCKE_TOKEN_KEY: t.deps.config.secrets.tokenKey.toString('base64'),
        BRUCKE_DATA_DIR: t.deps.config.dataDir,
        LOG_LEVEL: 'warn',
      },
    })
    try {
      await eventually(async () => (await findKioskState(t.deps.db, 'kiosk-jc')) === undefined)
    } finally {
      await serve.stop()
    }
  }, 120_000)
})

/** Waits until the condition holds (a background service does the work), at most ~10 s. */
async function eventually(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  expect(await condition()).toBe(true)
}
