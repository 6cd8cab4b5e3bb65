export interface AgencyTable {
  id: string
  name: string
  kind: string
  mailbox: string
  /** S/MIME recipient profile: `modern` or `compatible` (docs/design.md §3.4). */
  smime_profile: string
  created_at: string
  /** Art. 13 GDPR information the consent texts show (null until the administration enters it). */
  controller: string | null
  dpo_contact: string | null
  supervisory_authority: string | null
  /** 1: hosted here (its keys here); 0: a partner known only by its imported card (0020). */
  hosted: number
  /** A partner's inbound S/MIME listener, `smtp://host:port` (from its card); null when hosted. */
  inbound_smtp: string | null
  /** The CRL URL of the agency's CA as its card names it. */
  crl_url: string | null
  /** When the imported card was issued, and its SHA-256 (a card older than this is refused). */
  card_issued_at: string | null
  card_sha256: string | null
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
  /** Tokens of this account issued at or before this instant are refused (revoke all in one write). */
  tokens_not_before: string | null
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

/**
 * An API token (JWT) issued by Brücke, by its `jti`. Rows are purged once the token has expired;
 * until then `revoked_at` set means the token is refused.
 */
export interface ApiTokenTable {
  jti: string
  user_id: string
  issued_at: string
  expires_at: string
  revoked_at: string | null
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
  api_tokens: ApiTokenTable
  settings: SettingTable
}
