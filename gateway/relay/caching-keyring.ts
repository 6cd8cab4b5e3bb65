import type { AgencyKeyring, RecipientIdentity, SignerLookup } from './ports.ts'

interface Entry<T> {
  at: number
  value: Promise<T>
}

/**
 * Remembers each agency's signer and recipient lookup for `ttlMs` of the callers' clock, so the
 * hot path (submit, then the second decision before delivery) does not re-validate the same
 * chain and re-open the same sealed key for every transfer. A certificate revoked or expiring
 * therefore takes effect within `ttlMs` (seconds), not at the exact instant; a lookup for an
 * instant before the cached one is always fresh.
 */
export function createCachingKeyring(inner: AgencyKeyring, ttlMs: number): AgencyKeyring {
  const signers = new Map<string, Entry<SignerLookup>>()
  const recipients = new Map<string, Entry<RecipientIdentity | undefined>>()
  function cached<T>(
    map: Map<string, Entry<T>>,
    agencyId: string,
    at: Date,
    load: () => Promise<T>,
  ): Promise<T> {
    const now = at.getTime()
    const hit = map.get(agencyId)
    if (hit && now >= hit.at && now - hit.at < ttlMs) return hit.value
    const value = load()
    map.set(agencyId, { at: now, value })
    // A failed lookup is not remembered.
    value.catch(() => map.delete(agencyId))
    return value
  }
  return {
    signer: (agencyId, at) => cached(signers, agencyId, at, () => inner.signer(agencyId, at)),
    recipient: (agencyId, at) =>
      cached(recipients, agencyId, at, () => inner.recipient(agencyId, at)),
  }
}
