/**
 * Tells the delivery worker of this process that a transfer was queued, so it delivers at once
 * instead of at its next poll. Keyed by the database handle, like the keyring; the workers of
 * other processes sharing a PostgreSQL database still find the transfer by polling.
 */
const listeners = new WeakMap<object, Set<() => void>>()

/** Calls `listener` whenever a transfer is queued on `db` in this process; returns the unsubscribe. */
export function onTransferQueued(db: object, listener: () => void): () => void {
  let set = listeners.get(db)
  if (!set) {
    set = new Set()
    listeners.set(db, set)
  }
  set.add(listener)
  return () => set.delete(listener)
}

/** After the transaction that queued a transfer has committed. */
export function signalTransferQueued(db: object): void {
  for (const listener of listeners.get(db) ?? []) listener()
}
