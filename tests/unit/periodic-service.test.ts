import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from '../../gateway/logger.ts'
import { startPeriodicService, tickAgain } from '../../gateway/periodic-service.ts'

/** A pause the tests never wait out: a tick after it would be a bug. */
const never = 600_000

function capturedLog(): {
  log: ReturnType<typeof createLogger>
  lines: () => Record<string, unknown>[]
} {
  const raw: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString('utf8'))
      callback()
    },
  })
  return {
    log: createLogger('info', sink),
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {}
  const promise = new Promise<void>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

/** Waits until the condition holds (the loop runs on real timers), at most ~5 s. */
async function eventually(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++)
    await new Promise((resolve) => setTimeout(resolve, 10))
  expect(condition()).toBe(true)
}

describe('periodic service', () => {
  it('when stop is called during a tick, then it resolves only after that tick ended, and no tick follows', async () => {
    const { log } = capturedLog()
    const release = deferred()
    const events: string[] = []
    let ticks = 0
    const service = startPeriodicService({
      name: 'probe',
      intervalMs: 1,
      log,
      tick: async () => {
        ticks++
        events.push('tick started')
        await release.promise
        events.push('tick ended')
      },
    })
    expect(service.name).toBe('probe')
    expect(ticks).toBe(1)
    const stopped = service.stop().then(() => events.push('stopped'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual(['tick started'])
    release.resolve()
    await stopped
    expect(events).toEqual(['tick started', 'tick ended', 'stopped'])
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(ticks).toBe(1)
  })

  it('when a tick throws, then the error is logged with the service name and the loop goes on', async () => {
    const { log, lines } = capturedLog()
    let ticks = 0
    const service = startPeriodicService({
      name: 'flaky-sweeper',
      intervalMs: 1,
      log,
      tick: () => {
        ticks++
        return ticks === 1 ? Promise.reject(new Error('database went away')) : Promise.resolve()
      },
    })
    try {
      await eventually(() => ticks >= 3)
    } finally {
      await service.stop()
    }
    const errors = lines().filter((line) => line.level === 50)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({
      periodicService: 'flaky-sweeper',
      msg: 'flaky-sweeper: tick failed',
      err: { message: 'database went away' },
    })
  })

  it('when a tick asks for another, then the next one runs without waiting for the interval', async () => {
    const { log } = capturedLog()
    let ticks = 0
    const service = startPeriodicService({
      name: 'backlog',
      intervalMs: never,
      log,
      tick: () => {
        ticks++
        return Promise.resolve(ticks < 4 ? tickAgain : undefined)
      },
    })
    try {
      await eventually(() => ticks === 4)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(ticks).toBe(4)
    } finally {
      await service.stop()
    }
  })

  it('when woken while it waits, then it ticks at once; when woken during a tick, then once more right after it', async () => {
    const { log } = capturedLog()
    let ticks = 0
    let hold: ReturnType<typeof deferred> | undefined
    const service = startPeriodicService({
      name: 'woken',
      intervalMs: never,
      log,
      tick: async () => {
        ticks++
        await hold?.promise
      },
    })
    try {
      await eventually(() => ticks === 1)
      await new Promise((resolve) => setTimeout(resolve, 10))
      service.wake()
      await eventually(() => ticks === 2)
      hold = deferred()
      service.wake()
      await eventually(() => ticks === 3)
      service.wake() // during tick 3: one more after it, not one beside it
      service.wake()
      expect(ticks).toBe(3)
      hold.resolve()
      await eventually(() => ticks === 4)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(ticks).toBe(4)
    } finally {
      hold?.resolve()
      await service.stop()
    }
  })

  it('when the first tick waits for the interval and a final one is asked for, then a stop at once runs exactly one tick', async () => {
    const { log } = capturedLog()
    let ticks = 0
    const service = startPeriodicService({
      name: 'sealer',
      intervalMs: 0,
      log,
      firstTick: 'after-interval',
      finalTick: true,
      tick: () => {
        ticks++
        return Promise.resolve()
      },
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(ticks).toBe(0)
    await Promise.all([service.stop(), service.stop()])
    expect(ticks).toBe(1)
    service.wake()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(ticks).toBe(1)
  })
})
