import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { Agency } from '../accounts/account-schemas.ts'
import type { PartnerCard } from '../accounts/partner-card.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** How an agency takes part in federation (columns of migration 0020). */
export interface AgencyFederation {
  agencyId: string
  hosted: boolean
  /** A partner's inbound listener, `smtp://host:port`; null when hosted or not known. */
  inboundSmtp: string | null
  crlUrl: string | null
  cardIssuedAt: Date | null
  cardSha256: string | null
}

const optionalDate = (value: string | null): Date | null =>
  value === null ? null : new Date(z.iso.datetime().parse(value))

export async function findAgencyFederation(
  db: Executor,
  agencyId: string,
): Promise<AgencyFederation | undefined> {
  const row = await db
    .selectFrom('agencies')
    .select(['id', 'hosted', 'inbound_smtp', 'crl_url', 'card_issued_at', 'card_sha256'])
    .where('id', '=', agencyId)
    .executeTakeFirst()
  return row === undefined
    ? undefined
    : {
        agencyId: row.id,
        hosted: Number(row.hosted) === 1,
        inboundSmtp: row.inbound_smtp,
        crlUrl: row.crl_url,
        cardIssuedAt: optionalDate(row.card_issued_at),
        cardSha256: row.card_sha256,
      }
}

/** The ids of the agencies hosted here. */
export async function listHostedAgencyIds(db: Executor): Promise<Set<string>> {
  const rows = await db.selectFrom('agencies').select('id').where('hosted', '=', 1).execute()
  return new Set(rows.map((row) => row.id))
}

/** The inbound address of the partner agency with this mailbox; undefined when none is known. */
export async function findPartnerInboundByMailbox(
  db: Executor,
  mailbox: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('agencies')
    .select('inbound_smtp')
    .where('mailbox', '=', mailbox.toLowerCase())
    .where('hosted', '=', 0)
    .executeTakeFirst()
  return row?.inbound_smtp ?? undefined
}

/** Writes a partner agency from its verified card: inserted (hosted = 0) or updated. */
export async function savePartnerAgency(
  db: Executor,
  input: { card: PartnerCard; cardSha256: string; at: Date; exists: boolean },
): Promise<void> {
  const { agency } = input.card
  const values = {
    name: agency.name,
    kind: agency.kind,
    mailbox: agency.mailbox.toLowerCase(),
    smime_profile: agency.smimeProfile,
    controller: agency.privacyNotice?.controller ?? null,
    dpo_contact: agency.privacyNotice?.dpoContact ?? null,
    supervisory_authority: agency.privacyNotice?.supervisoryAuthority ?? null,
    inbound_smtp: input.card.inboundSmtp,
    crl_url: input.card.crlUrl,
    card_issued_at: new Date(input.card.issuedAt).toISOString(),
    card_sha256: input.cardSha256,
  }
  if (input.exists) {
    await db
      .updateTable('agencies')
      .set(values)
      .where('id', '=', agency.id)
      .where('hosted', '=', 0)
      .execute()
    return
  }
  await db
    .insertInto('agencies')
    .values({
      id: agency.id,
      ...values,
      hosted: 0,
      created_at: input.at.toISOString(),
    })
    .execute()
}

/** Sets an agency's S/MIME recipient profile; false when there is no such agency. */
export async function updateAgencyProfile(
  db: Executor,
  agencyId: string,
  profile: Agency['smimeProfile'],
): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set({ smime_profile: profile })
    .where('id', '=', agencyId)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
