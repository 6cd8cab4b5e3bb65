/** A CA certificate Brücke trusts, with where its CRL comes from (docs/design.md §3.4). */
export interface TrustAnchorTable {
  /** SHA-256 fingerprint of the certificate DER, lower-case hex. */
  id: string
  subject: string
  certificate_pem: string
  not_after: string
  /** A CRL file read on refresh; null when none. */
  crl_file: string | null
  /** A CRL URL fetched and cached; null when none. */
  crl_url: string | null
  added_at: string
}

/** The last CRL obtained for a trust anchor (from its file or URL). */
export interface CrlCacheTable {
  trust_anchor_id: string
  crl_pem: string
  this_update: string
  next_update: string | null
  fetched_at: string
}

/**
 * A CRL source fetched on a schedule (0220): a trust anchor's CRL URL or a cRLDistributionPoint,
 * with the newest CRL obtained there (null until the first success) and the last attempt.
 */
export interface CrlFetchTable {
  url: string
  /** SHA-256 fingerprint of the CA certificate that signed the stored CRL. */
  issuer_id: string | null
  issuer_subject: string | null
  crl_pem: string | null
  this_update: string | null
  next_update: string | null
  /** The last attempt that obtained a CRL (stored or confirmed as not newer). */
  fetched_at: string | null
  attempted_at: string
  /** Why the last attempt failed; null when it succeeded. */
  last_error: string | null
}

/** An agency's S/MIME certificate. Several per agency over time; the newest active one is used. */
export interface AgencyCertificateTable {
  /** SHA-256 fingerprint of the certificate DER, lower-case hex. */
  id: string
  agency_id: string
  certificate_pem: string
  /** Intermediate CA certificates (PEM, concatenated) needed to reach a trust anchor, or ''. */
  chain_pem: string
  serial_number: string
  subject: string
  issuer: string
  not_before: string
  not_after: string
  /** `active` or `revoked` (withdrawn by an admin). */
  status: string
  added_at: string
  revoked_at: string | null
  /** Rollover (0020): a certificate dropped from a newer card is used and accepted until then. */
  retire_at: string | null
}

/** An agency's private key, sealed by the key store (encrypted PKCS#8). Never in clear. */
export interface AgencyKeyTable {
  certificate_id: string
  sealed_key_pem: string
  added_at: string
}

/**
 * One row (id 1): moved on by trigger with every change of `trust_anchors`, `crl_cache` and
 * `crl_fetches` (migration 0630), so a gateway can tell whether its loaded material is current.
 */
export interface TrustMaterialVersionTable {
  id: number
  version: number
}

export interface CryptoTables {
  trust_material_version: TrustMaterialVersionTable
  trust_anchors: TrustAnchorTable
  crl_cache: CrlCacheTable
  crl_fetches: CrlFetchTable
  agency_certificates: AgencyCertificateTable
  agency_keys: AgencyKeyTable
}
