import { createHash } from 'node:crypto'
import { checkTokenTimes, verifyToken, type TokenCheck, type VerifiedClaims } from './tokens.ts'

/**
 * Remembers the bearer tokens whose signature and claims were verified, so a client sending the
 * same token on every request pays the HMAC check (jose through WebCrypto: a key import and an
 * asynchronous job, ~0.4 ms of CPU) once. Safe because what is remembered is a pure function
 * of the token and the key: the entry is keyed by a SHA-256 of both (a different key never hits,
 * and no token is kept in memory), and the time rules (expiry, `iat` skew, lifetime) are checked
 * again on every hit with that request's clock. Revocation and disabled accounts are not a
 * question of the token: `authenticate` reads them from the database on every request, hit or
 * not. Only good tokens are remembered, so garbage tokens cannot push them out. Bounded (least
 * recently used goes first); one per running gateway, in {@link RuntimeParts}.
 */
export interface VerifiedTokens {
  verify(
    token: string,
    input: { key: Uint8Array; now: Date; maxLifetimeMinutes: number },
  ): Promise<TokenCheck>
  /** How many tokens are remembered (for tests). */
  size(): number
}

export const verifiedTokensCapacity = 1000

export function createVerifiedTokens(capacity = verifiedTokensCapacity): VerifiedTokens {
  const entries = new Map<string, VerifiedClaims>()
  return {
    async verify(token, input) {
      const cacheKey = createHash('sha256')
        .update(input.key)
        .update('\0')
        .update(token)
        .digest('base64')
      const known = entries.get(cacheKey)
      if (known) {
        const timed = checkTokenTimes(known, input.now, input.maxLifetimeMinutes)
        if (!timed.ok) {
          entries.delete(cacheKey)
          return timed
        }
        // Most recently used goes to the end of the Map's insertion order.
        entries.delete(cacheKey)
        entries.set(cacheKey, known)
        return timed
      }
      const check = await verifyToken(token, input)
      if (check.ok) {
        const { ok: _ok, ...claims } = check
        entries.set(cacheKey, claims)
        if (entries.size > capacity) {
          const oldest = entries.keys().next().value
          if (oldest !== undefined) entries.delete(oldest)
        }
      }
      return check
    },
    size: () => entries.size,
  }
}
