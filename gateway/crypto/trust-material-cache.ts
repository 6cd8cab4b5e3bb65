import type {
  AgencyCertificateRecord,
  CachedCrlRecord,
  TrustAnchorRecord,
} from '../../db/certificate-repository.ts'
import { BoundedCache } from '../../crypto/bounded-cache.ts'
import type { ParsedCrl } from '../../crypto/crl-parse.ts'

/** The stored validation material as last read, and the counter read just before it. */
export interface StoredTrustMaterial {
  /** `trust_material_version.version` (migration 0630) when the rows below were read. */
  version: number
  rows: { anchor: TrustAnchorRecord; cached: CachedCrlRecord | undefined }[]
  /** The anchors' certificates, DER. */
  trustAnchors: Buffer[]
  /** The CRLs the refresher fetched (`crl_fetches`), DER. */
  fetchedCrls: Buffer[]
  /**
   * Registered certificates looked up by their SHA-256 under this counter (a signer's, with its
   * agency's mailbox; null: none registered), filled as messages arrive and dropped with the rest
   * when the counter moves. At most {@link maxRememberedSigners} of them.
   */
  signers: Map<string, { record: AgencyCertificateRecord; mailbox: string } | null>
}

/** Distinct signer fingerprints remembered per counter: past it, they are read each time. */
export const maxRememberedSigners = 1000

/**
 * What `loadValidationMaterial` keeps between calls, one per running gateway
 * (`Deps.trustMaterial`, built with the other runtime parts — never module state, so two gateways
 * in one process, or two tests, share nothing). Nothing in it can change an outcome, only its
 * cost: stored rows are reused only while the database's counter is unchanged, a CRL file only
 * while the file is the same file with the same size and times, and a checked CRL is keyed by
 * the SHA-256 of its exact bytes and its anchor's.
 */
export interface TrustMaterialCache {
  stored: StoredTrustMaterial | undefined
  /** CRL file bytes by path, with the identity (device, inode, size, times) they were read at. */
  readonly crlFiles: BoundedCache<string, { identity: string; bytes: Buffer }>
  /** Parsed CRLs whose signature the anchor was checked for, by SHA-256 of anchor and CRL. */
  readonly checkedCrls: BoundedCache<string, ParsedCrl>
}

export function createTrustMaterialCache(): TrustMaterialCache {
  return {
    stored: undefined,
    crlFiles: new BoundedCache(64),
    checkedCrls: new BoundedCache(64),
  }
}
