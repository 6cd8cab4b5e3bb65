import type { Principal } from './roles.ts'

/**
 * Who may administer which object (issue 18 point 7), an object-level rule in the style of
 * `federation-permissions.ts`: the admin pages and the API load the object, ask here, and only
 * then act (and audit). Pure; the callers answer a refusal as "not found", so an agency's
 * administrator learns nothing of another agency's certificates, kiosks or accounts.
 *
 * - Only admin accounts administer. Staff, DPOs, kiosk devices and `/me` never do.
 * - An administrator bound to no agency runs the instance: every object.
 * - An administrator of one agency acts on its own agency only: the certificates of that agency
 *   while it is hosted here (a partner's certificates come from its signed card, which only the
 *   instance's administration imports), its kiosk devices, and its accounts — never an account
 *   bound to no agency (the instance's administration) nor a DPO granted every agency.
 * - Fetching every CRL now (`crl_refresh`) concerns the whole instance — the trust anchors'
 *   URLs and the distribution points of every agency's certificates — so only the instance's
 *   administration does it; an agency's administrator waits for the periodic refresh.
 */
export type CertificateAction = 'view' | 'import' | 'roll_over' | 'revoke'
export type AccountAction =
  'view' | 'create' | 'disable' | 'enable' | 'reset_password' | 'end_sessions' | 'revoke_tokens'
export type KioskAction = 'view' | 'lock' | 'unlock'

/** What the rule reads of an agency whose certificates are acted on. */
export interface AgencyFacts {
  id: string
  /** Its keys are here (false: a partner known by its imported card). */
  hosted: boolean
}

/** What the rule reads of an account or kiosk device. */
export interface AccountFacts {
  role: Principal['role']
  agencyId: string | null
  allAgencies: boolean
}

export type AdminAction =
  | { kind: 'certificate'; action: CertificateAction; agency: AgencyFacts }
  | { kind: 'account'; action: AccountAction; account: AccountFacts }
  | { kind: 'kiosk'; action: KioskAction; kiosk: AccountFacts }
  | { kind: 'crl_refresh' }

/** `principal` undefined: nobody signed in (anonymous, or a `/me` session, which is no account). */
export function mayAdminister(principal: Principal | undefined, request: AdminAction): boolean {
  if (principal?.role !== 'admin') return false
  if (request.kind === 'kiosk' && request.kiosk.role !== 'kiosk') return false
  if (principal.agencyId === null) return true
  const own = principal.agencyId
  switch (request.kind) {
    case 'certificate':
      return request.agency.id === own && (request.agency.hosted || request.action === 'view')
    case 'account':
    case 'kiosk': {
      const target = request.kind === 'account' ? request.account : request.kiosk
      return target.agencyId === own && !target.allAgencies
    }
    case 'crl_refresh':
      return false
  }
}
