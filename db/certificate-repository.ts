import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

export const certificateStatusSchema = z.enum(['active', 'revoked'])
export type CertificateStatus = z.infer<typeof certificateStatusSchema>

/** A registered agency certificate (domain shape of `agency_certificates`). */
export interface AgencyCertificateRecord {
  id: string
  agencyId: string
  certificatePem: string
  chainPem: string
  serialNumber: string
  subject: string
  issuer: string
  notBefore: Date
  notAfter: Date
  status: CertificateStatus
  addedAt: Date
  revokedAt: Date | null
  /** Rollover (0210): dropped from a newer partner card, in service until then; null: no end. */
  retireAt?: Date | null
}

export interface TrustAnchorRecord {
  id: string
  subject: string
  certificatePem: string
  notAfter: Date
  crlFile: string | null
  crlUrl: string | null
  addedAt: Date
}

export interface CachedCrlRecord {
  trustAnchorId: string
  crlPem: string
  thisUpdate: Date
  nextUpdate: Date | null
  fetchedAt: Date
}

const date = (value: string): Date => new Date(z.iso.datetime().parse(value))
const optionalDate = (value: string | null): Date | null => (value === null ? null : date(value))

export async function insertAgencyCertificate(
  db: Executor,
  record: AgencyCertificateRecord,
): Promise<void> {
  await db
    .insertInto('agency_certificates')
    .values({
      id: record.id,
      agency_id: record.agencyId,
      certificate_pem: record.certificatePem,
      chain_pem: record.chainPem,
      serial_number: record.serialNumber,
      subject: record.subject,
      issuer: record.issuer,
      not_before: record.notBefore.toISOString(),
      not_after: record.notAfter.toISOString(),
      status: record.status,
      added_at: record.addedAt.toISOString(),
      revoked_at: record.revokedAt?.toISOString() ?? null,
      retire_at: record.retireAt?.toISOString() ?? null,
    })
    .execute()
}

/** Sets or clears (null) the instant a certificate leaves service after a key rollover. */
export async function setAgencyCertificateRetireAt(
  db: Executor,
  id: string,
  retireAt: Date | null,
): Promise<void> {
  await db
    .updateTable('agency_certificates')
    .set({ retire_at: retireAt?.toISOString() ?? null })
    .where('id', '=', id)
    .execute()
}

export async function findAgencyCertificate(
  db: Executor,
  id: string,
): Promise<AgencyCertificateRecord | undefined> {
  const row = await db
    .selectFrom('agency_certificates')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? toCertificate(row) : undefined
}

/**
 * A registered certificate with its agency's mailbox, in one read: what the inbound pipeline
 * checks a verified signer against (retire_at included).
 */
export async function findCertificateWithMailbox(
  db: Executor,
  id: string,
): Promise<{ record: AgencyCertificateRecord; mailbox: string } | undefined> {
  const row = await db
    .selectFrom('agency_certificates')
    .innerJoin('agencies', 'agencies.id', 'agency_certificates.agency_id')
    .selectAll('agency_certificates')
    .select('agencies.mailbox as agency_mailbox')
    .where('agency_certificates.id', '=', id)
    .executeTakeFirst()
  return row ? { record: toCertificate(row), mailbox: row.agency_mailbox } : undefined
}

/** Every certificate, or one agency's, newest first. */
export async function listAgencyCertificates(
  db: Executor,
  filter: { agencyId?: string; status?: CertificateStatus } = {},
): Promise<AgencyCertificateRecord[]> {
  let query = db.selectFrom('agency_certificates').selectAll()
  if (filter.agencyId !== undefined) query = query.where('agency_id', '=', filter.agencyId)
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  const rows = await query
    .orderBy('agency_id')
    .orderBy('not_before', 'desc')
    .orderBy('added_at', 'desc')
    .execute()
  return rows.map(toCertificate)
}

/** When each certificate with a rollover end (`retire_at`, 0210) retires, by certificate id. */
export async function listRetirements(db: Executor): Promise<Map<string, Date>> {
  const rows = await db
    .selectFrom('agency_certificates')
    .select(['id', 'retire_at'])
    .where('retire_at', 'is not', null)
    .execute()
  return new Map(
    rows.flatMap((row) => (row.retire_at === null ? [] : [[row.id, date(row.retire_at)]])),
  )
}

export async function markAgencyCertificateRevoked(
  db: Executor,
  id: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('agency_certificates')
    .set({ status: 'revoked', revoked_at: at.toISOString() })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function insertAgencyKey(
  db: Executor,
  input: { certificateId: string; sealedKeyPem: string; at: Date },
): Promise<void> {
  await db
    .insertInto('agency_keys')
    .values({
      certificate_id: input.certificateId,
      sealed_key_pem: input.sealedKeyPem,
      added_at: input.at.toISOString(),
    })
    .execute()
}

/** The sealed (encrypted PKCS#8) key of a certificate; opening it is the key store's job. */
export async function findSealedAgencyKey(
  db: Executor,
  certificateId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('agency_keys')
    .select('sealed_key_pem')
    .where('certificate_id', '=', certificateId)
    .executeTakeFirst()
  return row?.sealed_key_pem
}

export async function listSealedAgencyKeys(
  db: Executor,
): Promise<{ certificateId: string; sealedKeyPem: string }[]> {
  const rows = await db.selectFrom('agency_keys').selectAll().orderBy('certificate_id').execute()
  return rows.map((row) => ({
    certificateId: row.certificate_id,
    sealedKeyPem: row.sealed_key_pem,
  }))
}

/** Adds a trust anchor or updates its CRL source. */
export async function upsertTrustAnchor(db: Executor, anchor: TrustAnchorRecord): Promise<void> {
  await db
    .insertInto('trust_anchors')
    .values({
      id: anchor.id,
      subject: anchor.subject,
      certificate_pem: anchor.certificatePem,
      not_after: anchor.notAfter.toISOString(),
      crl_file: anchor.crlFile,
      crl_url: anchor.crlUrl,
      added_at: anchor.addedAt.toISOString(),
    })
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet({ crl_file: anchor.crlFile, crl_url: anchor.crlUrl }),
    )
    .execute()
}

/**
 * The counter every change of the trust anchors and the cached and fetched CRLs moves on (a
 * trigger of migration 0630, in the changing transaction): equal counters, equal material.
 */
export async function readTrustMaterialVersion(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('trust_material_version')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirst()
  return Number(row?.version ?? -1)
}

/** Every trust anchor with its cached CRL, if any, in one statement (the validation material). */
export async function listTrustAnchorsWithCachedCrl(
  db: Executor,
): Promise<{ anchor: TrustAnchorRecord; cached: CachedCrlRecord | undefined }[]> {
  const rows = await db
    .selectFrom('trust_anchors')
    .leftJoin('crl_cache', 'crl_cache.trust_anchor_id', 'trust_anchors.id')
    .selectAll('trust_anchors')
    .select([
      'crl_cache.crl_pem as cached_crl_pem',
      'crl_cache.this_update as cached_this_update',
      'crl_cache.next_update as cached_next_update',
      'crl_cache.fetched_at as cached_fetched_at',
    ])
    .orderBy('trust_anchors.added_at')
    .execute()
  return rows.map((row) => ({
    anchor: {
      id: row.id,
      subject: row.subject,
      certificatePem: row.certificate_pem,
      notAfter: date(row.not_after),
      crlFile: row.crl_file,
      crlUrl: row.crl_url,
      addedAt: date(row.added_at),
    },
    cached:
      row.cached_crl_pem === null ||
      row.cached_this_update === null ||
      row.cached_fetched_at === null
        ? undefined
        : {
            trustAnchorId: row.id,
            crlPem: row.cached_crl_pem,
            thisUpdate: date(row.cached_this_update),
            nextUpdate: optionalDate(row.cached_next_update),
            fetchedAt: date(row.cached_fetched_at),
          },
  }))
}

export async function listTrustAnchors(db: Executor): Promise<TrustAnchorRecord[]> {
  const rows = await db.selectFrom('trust_anchors').selectAll().orderBy('added_at').execute()
  return rows.map((row) => ({
    id: row.id,
    subject: row.subject,
    certificatePem: row.certificate_pem,
    notAfter: date(row.not_after),
    crlFile: row.crl_file,
    crlUrl: row.crl_url,
    addedAt: date(row.added_at),
  }))
}

export async function saveCachedCrl(db: Executor, crl: CachedCrlRecord): Promise<void> {
  const values = {
    crl_pem: crl.crlPem,
    this_update: crl.thisUpdate.toISOString(),
    next_update: crl.nextUpdate?.toISOString() ?? null,
    fetched_at: crl.fetchedAt.toISOString(),
  }
  await db
    .insertInto('crl_cache')
    .values({ trust_anchor_id: crl.trustAnchorId, ...values })
    .onConflict((conflict) => conflict.column('trust_anchor_id').doUpdateSet(values))
    .execute()
}

export async function listCachedCrls(db: Executor): Promise<CachedCrlRecord[]> {
  const rows = await db.selectFrom('crl_cache').selectAll().execute()
  return rows.map((row) => ({
    trustAnchorId: row.trust_anchor_id,
    crlPem: row.crl_pem,
    thisUpdate: date(row.this_update),
    nextUpdate: optionalDate(row.next_update),
    fetchedAt: date(row.fetched_at),
  }))
}

function toCertificate(row: {
  id: string
  agency_id: string
  certificate_pem: string
  chain_pem: string
  serial_number: string
  subject: string
  issuer: string
  not_before: string
  not_after: string
  status: string
  added_at: string
  revoked_at: string | null
  retire_at: string | null
}): AgencyCertificateRecord {
  return {
    id: row.id,
    agencyId: row.agency_id,
    certificatePem: row.certificate_pem,
    chainPem: row.chain_pem,
    serialNumber: row.serial_number,
    subject: row.subject,
    issuer: row.issuer,
    notBefore: date(row.not_before),
    notAfter: date(row.not_after),
    status: certificateStatusSchema.parse(row.status),
    addedAt: date(row.added_at),
    revokedAt: optionalDate(row.revoked_at),
    retireAt: optionalDate(row.retire_at),
  }
}
