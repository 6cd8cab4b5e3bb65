import type { Kysely, Transaction } from 'kysely'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** A hosted agency as the inbound path needs it (issue 16: `agencies.hosted = 1`). */
export interface HostedAgency {
  id: string
  mailbox: string
  /** Its display name: the signed receipt it sends names it in `From`. */
  name: string
}

/** A hosted agency with every certificate it decrypts with (see {@link findHostedRecipient}). */
export interface HostedRecipient {
  agency: HostedAgency
  certificates: InboundCertificate[]
  /** `trust_material_version` (migration 0630) read in the same statement. */
  materialVersion: number
}

/**
 * The hosted agency of this mailbox with every certificate it decrypts with at `at` (as
 * {@link listDecryptionCertificates}), in one statement: receiving a message reads both first.
 */
export async function findHostedRecipient(
  db: Executor,
  mailbox: string,
  at: Date,
): Promise<HostedRecipient | undefined> {
  const rows = await db
    .selectFrom('agencies')
    .leftJoin('agency_certificates', (join) =>
      join
        .onRef('agency_certificates.agency_id', '=', 'agencies.id')
        .on('agency_certificates.status', '=', 'active')
        .on((eb) =>
          eb.or([
            eb('agency_certificates.retire_at', 'is', null),
            eb('agency_certificates.retire_at', '>', at.toISOString()),
          ]),
        ),
    )
    .leftJoin('agency_keys', 'agency_keys.certificate_id', 'agency_certificates.id')
    .select([
      'agencies.id as hosted_id',
      'agencies.mailbox as hosted_mailbox',
      'agencies.name as hosted_name',
      'agency_certificates.id',
      'agency_certificates.agency_id',
      'agency_certificates.certificate_pem',
      'agency_certificates.chain_pem',
      'agency_certificates.status',
      'agency_certificates.retire_at',
      'agency_keys.sealed_key_pem',
      // The trust material's counter, read with no round trip of its own (crl-source.ts).
      (eb) =>
        eb
          .selectFrom('trust_material_version')
          .select('version')
          .where('trust_material_version.id', '=', 1)
          .as('material_version'),
    ])
    .where('agencies.mailbox', '=', mailbox.toLowerCase())
    .where('agencies.hosted', '=', 1)
    .orderBy('agency_certificates.not_before', 'desc')
    .orderBy('agency_certificates.added_at', 'desc')
    .execute()
  const first = rows[0]
  if (first === undefined) return undefined
  const certificates: InboundCertificate[] = []
  for (const row of rows) {
    if (
      row.id === null ||
      row.agency_id === null ||
      row.certificate_pem === null ||
      row.chain_pem === null ||
      row.status === null
    )
      continue
    certificates.push(
      toCertificate({
        id: row.id,
        agency_id: row.agency_id,
        certificate_pem: row.certificate_pem,
        chain_pem: row.chain_pem,
        status: row.status,
        retire_at: row.retire_at,
        sealed_key_pem: row.sealed_key_pem,
      }),
    )
  }
  return {
    agency: { id: first.hosted_id, mailbox: first.hosted_mailbox, name: first.hosted_name },
    certificates,
    materialVersion: Number(first.material_version ?? -1),
  }
}

/** A registered certificate as the inbound checks read it (status and rollover end). */
export interface InboundCertificate {
  id: string
  agencyId: string
  certificatePem: string
  chainPem: string
  status: string
  retireAt: string | null
  sealedKeyPem: string | null
}

function toCertificate(row: {
  id: string
  agency_id: string
  certificate_pem: string
  chain_pem: string
  status: string
  retire_at: string | null
  sealed_key_pem: string | null
}): InboundCertificate {
  return {
    id: row.id,
    agencyId: row.agency_id,
    certificatePem: row.certificate_pem,
    chainPem: row.chain_pem,
    status: row.status,
    retireAt: row.retire_at,
    sealedKeyPem: row.sealed_key_pem,
  }
}

const certificateColumns = [
  'agency_certificates.id',
  'agency_certificates.agency_id',
  'agency_certificates.certificate_pem',
  'agency_certificates.chain_pem',
  'agency_certificates.status',
  'agency_certificates.retire_at',
  'agency_keys.sealed_key_pem',
] as const

/**
 * Every active certificate of the agency not retired at `at`, newest first, with its sealed key
 * where one is stored: during a key rollover a partner may still encrypt to the older one.
 */
export async function listDecryptionCertificates(
  db: Executor,
  agencyId: string,
  at: Date,
): Promise<InboundCertificate[]> {
  const rows = await db
    .selectFrom('agency_certificates')
    .leftJoin('agency_keys', 'agency_keys.certificate_id', 'agency_certificates.id')
    .select(certificateColumns)
    .where('agency_certificates.agency_id', '=', agencyId)
    .where('agency_certificates.status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('agency_certificates.retire_at', 'is', null),
        eb('agency_certificates.retire_at', '>', at.toISOString()),
      ]),
    )
    .orderBy('agency_certificates.not_before', 'desc')
    .orderBy('agency_certificates.added_at', 'desc')
    .execute()
  return rows.map(toCertificate)
}

/** The item a message with this Message-ID already became for the agency, if any. */
export async function findInboundItemByMessage(
  db: Executor,
  recipientAgencyId: string,
  messageId: string,
): Promise<{ id: string; status: string; envelopeSha256: string } | undefined> {
  const row = await db
    .selectFrom('inbound_items')
    .select(['id', 'status', 'envelope_sha256'])
    .where('recipient_agency_id', '=', recipientAgencyId)
    .where('message_id', '=', messageId)
    .executeTakeFirst()
  return row ? { id: row.id, status: row.status, envelopeSha256: row.envelope_sha256 } : undefined
}

export interface NewInboundItem {
  id: string
  kind: 'case_summary' | 'revocation_notice' | 'lapse_notice'
  status: 'received' | 'quarantined'
  recipientAgencyId: string
  senderAgencyId: string | null
  messageId: string
  transferId: string | null
  consentId: string | null
  subjectPseudonym: string | null
  purpose: string | null
  categories: readonly string[]
  attestationJson: string | null
  /** The S/MIME message as received (still encrypted); null for a quarantined one. */
  envelope: string | null
  envelopeSha256: string
  refusalReason: string | null
  receivedAt: Date
}

export async function insertInboundItem(db: Executor, item: NewInboundItem): Promise<void> {
  await db
    .insertInto('inbound_items')
    .values({
      id: item.id,
      kind: item.kind,
      status: item.status,
      recipient_agency_id: item.recipientAgencyId,
      sender_agency_id: item.senderAgencyId,
      message_id: item.messageId,
      transfer_id: item.transferId,
      consent_id: item.consentId,
      subject_pseudonym: item.subjectPseudonym,
      purpose: item.purpose,
      categories: JSON.stringify(item.categories),
      attestation_json: item.attestationJson,
      envelope: item.envelope,
      envelope_sha256: item.envelopeSha256,
      refusal_reason: item.refusalReason,
      use_stopped_at: null,
      use_stopped_by_item_id: null,
      acknowledged_at: null,
      acknowledged_by: null,
      received_at: item.receivedAt.toISOString(),
    })
    .execute()
}
