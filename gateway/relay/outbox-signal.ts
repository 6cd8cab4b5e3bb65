/**
 * Tells the delivery worker of this process that a transfer was queued, so it delivers at once
 * instead of at its next poll. One per running gateway (`Deps.relay.outbox`); the workers of
 * other processes sharing a PostgreSQL database still find the transfer by polling.
 */
export interface OutboxSignal {
  /** Calls `listener` whenever a transfer is queued; returns the unsubscribe. */
  onQueued(listener: () => void): () => void
  /** After the transaction that queued a transfer has committed. */
  queued(): void
}

export function createOutboxSignal(): OutboxSignal {
  const listeners = new Set<() => void>()
  return {
    onQueued(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    queued() {
      for (const listener of listeners) listener()
    },
  }
}
