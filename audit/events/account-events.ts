import { z } from 'zod'
import { idSchema as id } from './common.ts'

/** Accounts, sign-in, access refusals and configuration (docs/design.md §3.5). */
export const accountEventSchemas = [
  z.strictObject({ type: z.literal('login_succeeded'), userId: id, agencyId: id.optional() }),
  z.strictObject({
    type: z.literal('login_failed'),
    username: id,
    reason: z.enum(['unknown_user', 'bad_password', 'disabled', 'rate_limited']),
  }),
  z.strictObject({ type: z.literal('logout'), userId: id }),
  z.strictObject({
    type: z.literal('permission_refused'),
    method: z.string().max(10),
    route: z.string().max(200),
    role: z.string().max(20).optional(),
    agencyId: id.optional(),
    reason: z.string().max(100),
  }),
  z.strictObject({
    type: z.literal('agency_added'),
    agencyId: id,
    kind: z.string().max(40),
    /** SHA-256 of the Art. 13 GDPR information entered with the agency (absent: none). */
    privacyNoticeSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  }),
  // The Art. 13 GDPR information consent texts show for the agency was entered or changed; the
  // entry binds its SHA-256 (the text itself may name the data protection officer).
  z.strictObject({
    type: z.literal('agency_privacy_notice_set'),
    agencyId: id,
    noticeSha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  z.strictObject({
    type: z.literal('user_added'),
    userId: id,
    role: z.string().max(20),
    agencyId: id.optional(),
  }),
  z.strictObject({
    type: z.literal('token_issued'),
    userId: id,
    expiresAt: z.iso.datetime(),
    /** The token's `jti`, by which it can be revoked (absent in entries written before 0003). */
    tokenId: id.optional(),
  }),
  // Taking access away (issue 8 point 8). `userId` is the account acted on, the entry's actor
  // who did it; `agencyId` is the account's agency, so that agency's DPO sees it. Never a
  // password or a token, only the token's id.
  z.strictObject({
    type: z.literal('account_disabled'),
    userId: id,
    role: z.string().max(20),
    agencyId: id.optional(),
    sessionsEnded: z.number().int().min(0),
    /** Disabling also revokes every token issued up to this instant. */
    tokensNotBefore: z.iso.datetime(),
    /** For a kiosk: whether a person's session or a pushed draft was on the device and wiped. */
    kioskCleared: z.boolean().optional(),
  }),
  z.strictObject({
    type: z.literal('account_enabled'),
    userId: id,
    role: z.string().max(20),
    agencyId: id.optional(),
  }),
  z.strictObject({
    type: z.literal('password_reset'),
    userId: id,
    agencyId: id.optional(),
    sessionsEnded: z.number().int().min(0),
    /** A reset also revokes every token issued up to this instant. */
    tokensNotBefore: z.iso.datetime(),
  }),
  z.strictObject({
    type: z.literal('sessions_ended'),
    userId: id,
    agencyId: id.optional(),
    sessionsEnded: z.number().int().min(0),
  }),
  z.strictObject({
    type: z.literal('token_revoked'),
    userId: id,
    agencyId: id.optional(),
    tokenId: id,
  }),
  z.strictObject({
    type: z.literal('tokens_revoked'),
    userId: id,
    agencyId: id.optional(),
    /** Every token of the account issued up to this instant is refused. */
    tokensNotBefore: z.iso.datetime(),
  }),
  z.strictObject({ type: z.literal('configuration_changed'), what: z.string().max(200) }),
] as const
