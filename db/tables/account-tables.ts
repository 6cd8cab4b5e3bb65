import type { Generated } from 'kysely'

export interface AgencyTable {
  id: string
  name: string
  kind: string
  mailbox: string
  /** S/MIME recipient profile: `modern` or `compatible` (DESIGN.md §3.4). */
  smime_profile: string
  created_at: string
}

export interface UserTable {
  id: string
  display_name: string
  role: string
  agency_id: string | null
  /** 1 when a DPO may read the audit data of every agency. */
  all_agencies: number
  password_hash: string | null
  disabled: number
  created_at: string
}

export interface SessionTable {
  /** SHA-256 of the session cookie value; the cookie itself is never stored. */
  id_hash: string
  user_id: string
  csrf_token: string
  created_at: string
  last_seen_at: string
  expires_at: string
}

export interface SettingTable {
  key: string
  value: string
  updated_at: string
}

export interface AccountTables {
  agencies: AgencyTable
  users: UserTable
  sessions: SessionTable
  settings: SettingTable
}

export type { Generated }
