import type { Principal } from './roles.ts'

/**
 * Who may manage federation (issue 16 point 1), an object-level rule: importing a partner card
 * changes whom the whole instance trusts, so only an administrator of the instance (bound to no
 * agency) may, and so only it registers a new agency (issue 18 point 7); an agency's S/MIME
 * profile may be changed by an instance administrator or by the administrator of that agency —
 * never by anyone else.
 */
export type FederationAction =
  | { kind: 'import_card' }
  | { kind: 'register_agency' }
  | { kind: 'set_profile'; agencyId: string }

export function mayManageFederation(principal: Principal, action: FederationAction): boolean {
  if (principal.role !== 'admin') return false
  if (principal.agencyId === null) return true
  return action.kind === 'set_profile' && action.agencyId === principal.agencyId
}
