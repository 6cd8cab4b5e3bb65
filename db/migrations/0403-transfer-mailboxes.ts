import type { Kysely } from 'kysely'

/**
 * The SMTP envelope of a transfer as data (issue 12, point 5): the sender's and the recipient's
 * functional mailbox (RFC 5321 MAIL FROM and RCPT TO), stored when the transfer is queued, so
 * the delivery worker no longer reads them back out of the sealed message's headers.
 *
 * Backfill: a transfer still waiting in the outbox gets the bare addresses of its message's outer
 * `From:` and `To:` headers, read once here (the relay writes exactly one address into each,
 * seal-message.ts). Settled transfers have no message left and keep NULL — they are never sent
 * again. A waiting transfer whose headers do not hold one plain address each keeps NULL too, and
 * the worker fails it instead of sending it to an empty address.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('transfers').addColumn('sender_mailbox', 'text').execute()
  await db.schema.alterTable('transfers').addColumn('recipient_mailbox', 'text').execute()
  const outbox = db as Kysely<{ transfer_outbox: { transfer_id: string; envelope: string } }>
  const transfers = db as Kysely<{
    transfers: { id: string; sender_mailbox: string | null; recipient_mailbox: string | null }
  }>
  // Page by id: an envelope may be megabytes, and the outbox of a stalled relay may be long.
  let after = ''
  for (;;) {
    const page = await outbox
      .selectFrom('transfer_outbox')
      .select(['transfer_id', 'envelope'])
      .where('transfer_id', '>', after)
      .orderBy('transfer_id')
      .limit(50)
      .execute()
    for (const row of page) {
      const headers = headerBlockOf(row.envelope)
      const from = singleAddress(headers, 'From')
      const to = singleAddress(headers, 'To')
      if (from === undefined || to === undefined) continue
      await transfers
        .updateTable('transfers')
        .set({ sender_mailbox: from, recipient_mailbox: to })
        .where('id', '=', row.transfer_id)
        .execute()
    }
    const last = page[page.length - 1]
    if (!last) break
    after = last.transfer_id
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('transfers').dropColumn('recipient_mailbox').execute()
  await db.schema.alterTable('transfers').dropColumn('sender_mailbox').execute()
}

/** The header lines of an RFC 5322 message: everything before the first empty line. */
function headerBlockOf(message: string): string[] {
  const end = message.search(/\r?\n\r?\n/)
  return (end === -1 ? message : message.slice(0, end)).split(/\r?\n/)
}

/** The one bare address of a header present exactly once, e.g. `From: u25@jc.example`. */
function singleAddress(headers: string[], name: string): string | undefined {
  const prefix = `${name.toLowerCase()}:`
  const values = headers
    .filter((line) => line.toLowerCase().startsWith(prefix))
    .map((line) => line.slice(prefix.length).trim())
  const [value] = values
  return values.length === 1 && value !== undefined && /^[^\s@<>",]+@[^\s@<>",]+$/.test(value)
    ? value
    : undefined
}
