import { describe, expect, it } from 'vitest'
import { AttemptBudget } from '../../../gateway/http/attempt-budget.ts'
import { TestClock } from '../../support/test-clock.ts'

const minute = 60_000

function budget(clock = new TestClock()) {
  return new AttemptBudget(clock, { windowMs: 15 * minute, limits: { user: 3, address: 5 } })
}

describe('AttemptBudget', () => {
  it('when attempts are reserved before any of them finished, then only the limit goes ahead', () => {
    const b = budget()
    const outcomes = Array.from({ length: 40 }, () =>
      b.reserve({ user: 'staff-jc', address: '10.0.0.1' }),
    )
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3)
    expect(outcomes.slice(3).every((o) => !o.ok && o.exhausted === 'user')).toBe(true)
  })

  it('when an attempt succeeds and refunds, then its slot is free again; a double refund gives back nothing more', () => {
    const b = budget()
    const first = b.reserve({ user: 'a', address: 'x' })
    b.reserve({ user: 'a', address: 'x' })
    b.reserve({ user: 'a', address: 'x' })
    expect(b.reserve({ user: 'a', address: 'x' }).ok).toBe(false)
    if (!first.ok) throw new Error('first attempt refused')
    first.refund()
    first.refund()
    expect(b.reserve({ user: 'a', address: 'x' }).ok).toBe(true)
    expect(b.reserve({ user: 'a', address: 'x' }).ok).toBe(false)
  })

  it('when one address tries many names, then the address limit stops it, and a refused attempt takes no slot elsewhere', () => {
    const b = budget()
    const names = ['a', 'b', 'c', 'd', 'e', 'f']
    const outcomes = names.map((user) => b.reserve({ user, address: 'x' }))
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, true, true, true, false])
    expect(outcomes[5]).toMatchObject({ ok: false, exhausted: 'address' })
    // 'f' was refused by its address: it did not use up a slot of its own name.
    for (let i = 0; i < 3; i++) expect(b.reserve({ user: 'f', address: `y${i}` }).ok).toBe(true)
    expect(b.reserve({ user: 'f', address: 'y9' }).ok).toBe(false)
  })

  it('reports the first refusal of a window once, and says when to retry', () => {
    const clock = new TestClock()
    const b = budget(clock)
    for (let i = 0; i < 3; i++) b.reserve({ user: 'a', address: 'x' })
    clock.advance(5 * minute)
    const refusals = [1, 2, 3].map(() => b.reserve({ user: 'a', address: 'x' }))
    expect(refusals.map((r) => !r.ok && r.firstRefusal)).toEqual([true, false, false])
    expect(refusals[0]).toMatchObject({ ok: false, retryAfterSeconds: 10 * 60 })
  })

  it('when the window has passed, then the key starts afresh', () => {
    const clock = new TestClock()
    const b = budget(clock)
    for (let i = 0; i < 3; i++) b.reserve({ user: 'a', address: 'x' })
    expect(b.reserve({ user: 'a', address: 'x' }).ok).toBe(false)
    clock.advance(15 * minute)
    expect(b.reserve({ user: 'a', address: 'x' }).ok).toBe(true)
  })
})
