/**
 * A small least-recently-used map with a fixed capacity. Used to memoise pure, deterministic
 * work on exact input bytes (parsing a certificate or CRL, checking a signature over signed
 * bytes with an issuer key): the same DER always yields the same result, so a hit can never
 * change an outcome — only its cost. Time-dependent checks are never cached.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, V>()

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError('capacity must be a positive integer')
    }
  }

  get size(): number {
    return this.#entries.size
  }

  /** The value for `key`, marking it most recently used; undefined when absent. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key)
    if (value === undefined) return undefined
    // A Map iterates in insertion order: re-inserting moves the entry to the young end.
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next()
      if (oldest.done !== true) this.#entries.delete(oldest.value)
    }
  }

  /** The cached value for `key`, or computes, stores and returns it. Errors are not cached. */
  getOrCompute(key: K, compute: () => V): V {
    const cached = this.get(key)
    if (cached !== undefined) return cached
    const value = compute()
    this.set(key, value)
    return value
  }

  clear(): void {
    this.#entries.clear()
  }
}
