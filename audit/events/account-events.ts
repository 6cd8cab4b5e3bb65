import { z } from 'zod'
import { idSchema as id } from './common.ts'

/** Accounts, sign-in, access refusals and configuration (DESIGN.md §3.5). */
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
  z.strictObject({ type: z.literal('agency_added'), agencyId: id, kind: z.string().max(40) }),
  z.strictObject({
    type: z.literal('user_added'),
    userId: id,
    role: z.string().max(20),
    agencyId: id.optional(),
  }),
  z.strictObject({ type: z.literal('token_issued'), userId: id, expiresAt: z.iso.datetime() }),
  z.strictObject({ type: z.literal('configuration_changed'), what: z.string().max(200) }),
] as const
