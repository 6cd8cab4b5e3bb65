import type { Response } from 'express'
import { z } from 'zod'
import type { StaffPrincipal } from '../../accounts/roles.ts'
import type { IdempotencyClaim, IdempotentOperation } from '../idempotency/idempotent-call.ts'

/** A client's idempotency key: 1–255 printable ASCII characters (a UUID fits). */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x20-\x7E]{1,255}$/, 'must be 1 to 255 printable ASCII characters')

/** The headers of a create route that takes an idempotency key. */
export const idempotencyHeadersSchema = z.object({
  'idempotency-key': idempotencyKeySchema
    .optional()
    .describe(
      'A key of your choosing per intended request: a retry with the same key and body returns the first answer instead of creating a second record',
    ),
})
export type IdempotencyHeaders = z.infer<typeof idempotencyHeadersSchema>

/** The claim a staff member's request makes with its key, or undefined without a key. */
export function idempotencyClaimOf(
  principal: StaffPrincipal,
  headers: IdempotencyHeaders,
  operation: IdempotentOperation,
  request: unknown,
): IdempotencyClaim | undefined {
  const key = headers['idempotency-key']
  if (key === undefined) return undefined
  return {
    agencyId: principal.agencyId,
    principal: `user:${principal.userId}`,
    channel: 'http',
    key,
    operation,
    request,
  }
}

/** Tells the client its answer is the stored first one (the header Stripe and others use). */
export function markReplayed(res: Response, replayed: boolean): void {
  if (replayed) res.setHeader('Idempotent-Replayed', 'true')
}
