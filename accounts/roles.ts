import { z } from 'zod'

/** Roles of docs/design.md §3.6. The youth's self-service session is not a user role. */
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

/**
 * A staff member: always of one agency (a staff account without one is refused when it is
 * made). Routes only staff may call hand their handler this type; the route edge checks it once
 * with {@link isStaffPrincipal}.
 */
export type StaffPrincipal = Principal & { role: 'staff'; agencyId: string }

export function isStaffPrincipal(principal: Principal): principal is StaffPrincipal {
  return principal.role === 'staff' && principal.agencyId !== null
}

export function actorOf(principal: StaffPrincipal): `user:${string}`
export function actorOf(principal: Principal): `user:${string}` | `kiosk:${string}`
export function actorOf(principal: Principal): `user:${string}` | `kiosk:${string}` {
  return principal.role === 'kiosk' ? `kiosk:${principal.userId}` : `user:${principal.userId}`
}
