import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Whether an `Authorization` header carries the configured metrics token. Both sides are hashed
 * first, so the comparison takes the same time whatever the length or the first wrong character.
 */
export function carriesMetricsToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer (\S+)$/.exec(header ?? '')
  if (!match?.[1]) return false
  return timingSafeEqual(digest(match[1]), digest(token))
}
