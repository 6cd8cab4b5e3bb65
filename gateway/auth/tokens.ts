import { SignJWT, jwtVerify, errors } from 'jose'
import { z } from 'zod'
import { roleSchema, type Role } from '../../accounts/roles.ts'
import { randomIds } from '../ids.ts'

const issuer = 'brucke'
const audience = 'brucke-api'

/**
 * How far in the future a token's `iat` may lie. Tokens come from `brucke token`, which may run
 * on another host than the gateway (an admin workstation on the same database): a clock a
 * minute ahead must not lock its tokens out, a token "issued" ten minutes from now is forged or
 * from a broken clock and is refused.
 */
export const issuedAtSkewSeconds = 60

/** A token id (`jti`): what `brucke token` prints and `brucke token revoke --jti` takes. */
export const tokenIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'a token id (jti)')

export interface IssueTokenInput {
  key: Uint8Array
  userId: string
  role: Role
  agencyId: string | null
  now: Date
  ttlMinutes: number
  /** The `jti`; a fresh random one when not given (use cases pass `deps.ids.newId('tok')`). */
  tokenId?: string
}

/**
 * Issues an API bearer token (JWT, HS256, RFC 7519) for a user; the role is re-read from the DB
 * on use. It carries `sub`, `iat`, `exp` and a `jti` (RFC 7519 §4.1.7) by which it can be
 * revoked. This only signs: `issueApiToken` registers the token and audits it.
 */
export async function issueToken(
  input: IssueTokenInput,
): Promise<{ token: string; tokenId: string; issuedAt: Date; expiresAt: Date }> {
  const issuedAt = Math.floor(input.now.getTime() / 1000)
  const expiresAt = new Date((issuedAt + input.ttlMinutes * 60) * 1000)
  const tokenId = input.tokenId ?? randomIds.newId('tok')
  const token = await new SignJWT({ role: input.role, agency: input.agencyId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(input.userId)
    .setJti(tokenId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(input.key)
  return { token, tokenId, issuedAt: new Date(issuedAt * 1000), expiresAt }
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: roleSchema,
  jti: tokenIdSchema,
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  // Never set by `issueToken`; jose honours it when present, so a remembered token does too.
  nbf: z.number().optional(),
})

/** What a good token says, whose time rules still depend on the clock (see {@link checkTokenTimes}). */
export interface VerifiedClaims {
  userId: string
  role: Role
  tokenId: string
  issuedAt: Date
  expiresAt: Date
  notBefore?: Date
}

export type TokenCheck =
  ({ ok: true } & VerifiedClaims) | { ok: false; code: 'token_expired' | 'token_invalid' }

/**
 * Verifies signature, issuer, audience and time of a token. Beyond what jose checks it requires
 * `exp`, `iat`, `jti` and `sub`, refuses an `iat` more than {@link issuedAtSkewSeconds} ahead of
 * `now`, and a lifetime (`exp − iat`) longer than `maxLifetimeMinutes` (TOKEN_TTL_MINUTES): a
 * token nobody could have been issued here is not accepted. Whether the token was revoked is the
 * caller's question (it needs the database).
 */
export async function verifyToken(
  token: string,
  input: { key: Uint8Array; now: Date; maxLifetimeMinutes: number },
): Promise<TokenCheck> {
  const { key, now, maxLifetimeMinutes } = input
  let payload: unknown
  try {
    ;({ payload } = await jwtVerify(token, key, {
      issuer,
      audience,
      algorithms: ['HS256'],
      currentDate: now,
      requiredClaims: ['exp', 'iat', 'jti', 'sub'],
    }))
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, code: 'token_expired' }
    return { ok: false, code: 'token_invalid' }
  }
  const claims = claimsSchema.safeParse(payload)
  if (!claims.success) return { ok: false, code: 'token_invalid' }
  const { sub, role, jti, iat, exp, nbf } = claims.data
  return checkTokenTimes(
    {
      userId: sub,
      role,
      tokenId: jti,
      issuedAt: new Date(iat * 1000),
      expiresAt: new Date(exp * 1000),
      ...(nbf === undefined ? {} : { notBefore: new Date(nbf * 1000) }),
    },
    now,
    maxLifetimeMinutes,
  )
}

/**
 * The rules of a verified token that depend on the clock: expired at `exp` (as jose counts it,
 * in whole seconds), not before `nbf`, `iat` at most {@link issuedAtSkewSeconds} ahead, and a
 * lifetime within TOKEN_TTL_MINUTES. `verifyToken` ends with it, and a remembered token
 * (verified-tokens.ts) passes it again on every use.
 */
export function checkTokenTimes(
  claims: VerifiedClaims,
  now: Date,
  maxLifetimeMinutes: number,
): TokenCheck {
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const iat = claims.issuedAt.getTime() / 1000
  const exp = claims.expiresAt.getTime() / 1000
  if (claims.notBefore && claims.notBefore.getTime() / 1000 > nowSeconds)
    return { ok: false, code: 'token_invalid' }
  if (exp <= nowSeconds) return { ok: false, code: 'token_expired' }
  if (iat > nowSeconds + issuedAtSkewSeconds) return { ok: false, code: 'token_invalid' }
  if (exp <= iat || exp - iat > maxLifetimeMinutes * 60) return { ok: false, code: 'token_invalid' }
  return { ok: true, ...claims }
}

/**
 * Whether a token issued at `issuedAt` (whole seconds, as in `iat`) was revoked by a "revoke all
 * tokens" at `notBefore`. A token issued in the same second as the revocation cannot be told
 * apart from one issued just before it, so it counts as revoked too.
 */
export function isRevokedByNotBefore(issuedAt: Date, notBefore: Date | null): boolean {
  return notBefore !== null && issuedAt.getTime() <= notBefore.getTime()
}
