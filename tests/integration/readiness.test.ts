import { afterEach, describe, expect, it } from 'vitest'
import { startGateway, type RunningGateway } from '../../gateway/serve.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** Issue 19 point 6: `/readyz` (database writable, delivery worker running) beside `/healthz`. */
describe.each(dialects)('readiness on %s', (dialect) => {
  let t: TestDeps | undefined
  let gateway: RunningGateway | undefined

  afterEach(async () => {
    await gateway?.stop()
    gateway = undefined
    await t?.close()
    t = undefined
  })

  const get = async (path: string) => {
    const response = await fetch(`${gateway?.url}/api/v1${path}`)
    return {
      status: response.status,
      body: await response.json(),
      headers: response.headers,
    }
  }

  it('when the gateway runs its delivery worker on a writable database, then ready; once the worker stopped, not ready while /healthz stays ok', async () => {
    t = await createTestDeps(dialect, { config: { readyMinFreeMb: 0 } })
    gateway = await startGateway(t.deps)
    expect(await get('/readyz')).toMatchObject({
      status: 200,
      body: {
        status: 'ready',
        checks: [
          { name: 'database', ok: true },
          { name: 'delivery_worker', ok: true },
        ],
      },
    })
    const probe = await t.deps.db.selectFrom('readiness_probe').selectAll().execute()
    expect(probe).toEqual([{ id: 'probe', checked_at: t.clock.now().toISOString() }])

    // Stopping the services (as a shutdown does) while HTTP still answers.
    for (const service of [...gateway.services].reverse()) await service.stop()
    const notReady = await get('/readyz')
    expect(notReady.status).toBe(503)
    expect(notReady.headers.get('retry-after')).toBe('5')
    expect(notReady.body).toEqual({
      status: 'not_ready',
      checks: [
        { name: 'database', ok: true },
        { name: 'delivery_worker', ok: false, reason: 'stopped' },
      ],
    })
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } })
  })
})

describe('readiness on SQLite with little free space', () => {
  let t: TestDeps | undefined
  let gateway: RunningGateway | undefined

  afterEach(async () => {
    await gateway?.stop()
    await t?.close()
  })

  const get = async (path: string) => {
    const response = await fetch(`${gateway?.url}/api/v1${path}`)
    return { status: response.status, body: await response.json() }
  }

  it('when the free space under a SQLite database is below readyMinFreeMb, then not ready', async () => {
    // No disk has a million MiB free: the threshold is never met.
    t = await createTestDeps('sqlite', { config: { readyMinFreeMb: 1_000_000 } })
    gateway = await startGateway(t.deps)
    const notReady = await get('/readyz')
    expect(notReady.status).toBe(503)
    expect(notReady.body).toMatchObject({
      checks: [
        {
          name: 'database',
          ok: false,
          reason: expect.stringMatching(/^database storage full: \d+ MiB free/) as unknown,
        },
        { name: 'delivery_worker', ok: true },
      ],
    })
  })
})
