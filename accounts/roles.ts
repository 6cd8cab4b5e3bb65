import { z } from 'zod'

/** Roles of DESIGN.md §3.6. The youth's self-service session is not a user role. */
export const roleSchema = z.enum(['staff', 'dpo', 'admin', 'kiosk'])
export type Role = z.infer<typeof roleSchema>

/** The authenticated caller of a request. */
export interface Principal {
  userId: string
  role: Role
  agencyId: string | null
  /** A DPO granted every agency's audit data. */
  allAgencies: boolean
  via: 'token' | 'session'
}

export function actorOf(principal: Principal): `user:${string}` | `kiosk:${string}` {
  return principal.role === 'kiosk' ? `kiosk:${principal.userId}` : `user:${principal.userId}`
}
