/**
 * The first outcome of a create call by its idempotency key (migration 0010). The response body
 * is stored only when it is metadata (a transfer's `{ id, status }`); a body with personal data
 * (a consent view) is re-read from `resource_id` on replay.
 */
export interface IdempotencyKeyTable {
  agency_id: string
  /** Who sent the key: `user:<id>`. */
  principal: string
  /** SHA-256 of the channel and the key (`http` header or `smtp` Message-ID). */
  key_sha256: string
  /** `transfer.submit` | `consent.create` | `consent.renew`. */
  operation: string
  /** SHA-256 of the operation and the canonical JSON of the validated request. */
  request_sha256: string
  /** HTTP status of the first answer (202, 201). */
  response_status: number
  /** JSON of the first answer when it holds no personal data; else null. */
  response_body: string | null
  /** The id of the record the first call created. */
  resource_id: string
  created_at: string
}

/** Tables of the foundation's idempotency keys. */
export interface IdempotencyTables {
  idempotency_keys: IdempotencyKeyTable
}
