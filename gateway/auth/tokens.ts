import { SignJWT, jwtVerify, errors } from 'jose'
import { z } from 'zod'
import { roleSchema, type Role } from '../../accounts/roles.ts'

const issuer = 'brucke'
const audience = 'brucke-api'

export interface IssueTokenInput {
  key: Uint8Array
  userId: string
  role: Role
  agencyId: string | null
  now: Date
  ttlMinutes: number
}

/** Issues an API bearer token (JWT, HS256, RFC 7519) for a user; the role is re-read from the DB on use. */
export async function issueToken(
  input: IssueTokenInput,
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(input.now.getTime() / 1000)
  const expiresAt = new Date((issuedAt + input.ttlMinutes * 60) * 1000)
  const token = await new SignJWT({ role: input.role, agency: input.agencyId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(input.userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(input.key)
  return { token, expiresAt }
}

const claimsSchema = z.object({ sub: z.string().min(1), role: roleSchema })

export type TokenCheck =
  { ok: true; userId: string; role: Role } | { ok: false; code: 'token_expired' | 'token_invalid' }

export async function verifyToken(token: string, key: Uint8Array, now: Date): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, key, {
      issuer,
      audience,
      algorithms: ['HS256'],
      currentDate: now,
    })
    const claims = claimsSchema.safeParse(payload)
    if (!claims.success) return { ok: false, code: 'token_invalid' }
    return { ok: true, userId: claims.data.sub, role: claims.data.role }
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, code: 'token_expired' }
    return { ok: false, code: 'token_invalid' }
  }
}
