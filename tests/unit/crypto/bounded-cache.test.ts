import { describe, expect, it } from 'vitest'
import { BoundedCache } from '../../../crypto/bounded-cache.ts'

describe('BoundedCache', () => {
  it('when full, then the least recently used entry is evicted and a read refreshes an entry', () => {
    const cache = new BoundedCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1)
    cache.set('c', 3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(1)
    expect(cache.get('c')).toBe(3)
    expect(cache.size).toBe(2)
  })

  it('when the computation throws, then nothing is cached and the next call computes again', () => {
    const cache = new BoundedCache<string, number>(4)
    let calls = 0
    const failing = () => {
      calls += 1
      throw new Error('bad input')
    }
    expect(() => cache.getOrCompute('k', failing)).toThrow('bad input')
    expect(() => cache.getOrCompute('k', failing)).toThrow('bad input')
    expect(calls).toBe(2)
    expect(cache.getOrCompute('k', () => 7)).toBe(7)
    expect(cache.getOrCompute('k', () => 8)).toBe(7)
  })

  it('when the capacity is not a positive integer, then construction fails', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError)
    expect(() => new BoundedCache(1.5)).toThrow(RangeError)
  })
})
