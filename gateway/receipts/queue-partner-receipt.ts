import { createHash } from 'node:crypto'
import type { Transaction } from 'kysely'
import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent, type AppendAuditInput } from '../../db/audit-repository.ts'
import type { Tables } from '../../db/tables.ts'
import { insertQueuedTransferIfAbsent } from '../../db/transfer-repository.ts'
import type { Deps } from '../deps.ts'
import { relaySettingsOf } from '../relay/relay-settings.ts'
import { sealMessage } from '../relay/seal-message.ts'
import {
  composePartnerReceipt,
  renderPartnerReceiptText,
  type PartnerReceiptHeaders,
} from './partner-receipt.ts'

/** What the receiving gateway decided about one message it received (issue 16 point 7). */
export interface PartnerReceiptInput {
  /** The hosted agency that received the message; it signs the receipt. */
  receivingAgencyId: string
  /** The agency named in the message's verified `X-Brucke-Sender`; the receipt goes to it. */
  senderAgencyId: string
  /** The sender's `X-Brucke-Transfer-Id`. */
  transferId: string
  /** The Message-ID of the message received. */
  messageId: string
  outcome: 'accepted' | 'refused'
  /** The refusal's code (the quarantine reason); only with `refused`. */
  reason?: string
  /** SHA-256 of the message as received (`inbound_items.envelope_sha256`). */
  envelopeSha256: string
}

/** A receipt signed and encrypted for the sender agency, ready to be queued. */
export interface PreparedPartnerReceipt {
  id: string
  messageId: string
  receipt: PartnerReceiptHeaders
  senderMailbox: string
  recipientMailbox: string
  envelope: string
  envelopeSha256: string
  plaintextSha256: string
  at: Date
  giveUpAt: Date
}

export type PreparePartnerReceiptResult =
  | { ok: true; prepared: PreparedPartnerReceipt }
  | {
      ok: false
      /** Why no receipt can be made now; the inbound item stays as decided. */
      problem: 'agency_unknown' | 'no_signing_key' | 'no_valid_sender_certificate'
    }

/**
 * One receipt per receiving agency and message received: a re-sent message gets no second one.
 */
function receiptIdOf(input: PartnerReceiptInput): string {
  const key = createHash('sha256')
    .update(`${input.receivingAgencyId}|${input.messageId}`)
    .digest('hex')
    .slice(0, 24)
  return `rcp_${key}`
}

/**
 * Builds, signs (the receiving agency's key) and encrypts (to the sender agency's certificate)
 * the receipt. Call it outside any transaction: the keyring reads the database, and on SQLite a
 * read beside an open transaction on the same connection would wait for ever.
 */
export async function preparePartnerReceipt(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'config'>,
  input: PartnerReceiptInput,
  /** The receiving agency's name and mailbox when the caller has read them already. */
  knownReceiving?: { id: string; name: string; mailbox: string },
): Promise<PreparePartnerReceiptResult> {
  const at = deps.clock.now()
  const [signing, recipient, receiving] = await Promise.all([
    deps.relay.keyring.signer(input.receivingAgencyId, at),
    deps.relay.keyring.recipient(input.senderAgencyId, at),
    knownReceiving?.id === input.receivingAgencyId
      ? knownReceiving
      : findAgency(deps.db, input.receivingAgencyId),
  ])
  if (!receiving) return { ok: false, problem: 'agency_unknown' }
  if (!signing.ok) return { ok: false, problem: 'no_signing_key' }
  // Never encrypt to a certificate that is revoked, expired or untrusted now.
  if (!recipient || !recipient.check.ok)
    return { ok: false, problem: 'no_valid_sender_certificate' }
  const id = receiptIdOf(input)
  const domain = receiving.mailbox.slice(receiving.mailbox.lastIndexOf('@') + 1) || 'brucke.invalid'
  const messageId = `<${id}@${domain}>`
  const receipt: PartnerReceiptHeaders = {
    receiptFor: input.transferId,
    receivedMessageId: input.messageId,
    outcome: input.outcome,
    ...(input.outcome === 'refused' ? { reason: input.reason ?? 'refused' } : {}),
    sender: input.receivingAgencyId,
    recipient: input.senderAgencyId,
    envelopeSha256: input.envelopeSha256,
  }
  const entity = await composePartnerReceipt({
    receipt,
    receiptId: id,
    messageId,
    from: { name: receiving.name, mailbox: receiving.mailbox },
    toMailbox: recipient.mailbox,
    at,
  })
  const sealed = sealMessage({
    entity,
    signer: signing.identity,
    recipient,
    encryptToSender: false,
    at,
    transferId: id,
    messageId,
  })
  return {
    ok: true,
    prepared: {
      id,
      messageId,
      receipt,
      senderMailbox: sealed.senderMailbox,
      recipientMailbox: sealed.recipientMailbox,
      envelope: sealed.raw,
      envelopeSha256: sealed.sha256,
      plaintextSha256: createHash('sha256').update(renderPartnerReceiptText(receipt)).digest('hex'),
      at,
      giveUpAt: new Date(at.getTime() + relaySettingsOf(deps.config).retryHorizonMs),
    },
  }
}

/**
 * Queues a prepared receipt in the caller's transaction (the inbound pipeline's, beside the item
 * it decided on): a `transfers` row of kind `receipt` with its envelope in the outbox, delivered
 * by the delivery worker with its retries, and `partner_receipt_sent` in the audit log. A receipt
 * queued before for the same message is left alone (false). After the commit, wake the worker
 * with `deps.relay.outbox.queued()`.
 */
// seam: fed-inbound's receive pipeline, after its accept/quarantine decision on a case summary
// whose sender it verified: `preparePartnerReceipt` before its transaction, `queuePartnerReceipt`
// inside it — or `sendPartnerReceipt` after its commit.
export async function queuePartnerReceipt(
  trx: Transaction<Tables>,
  prepared: PreparedPartnerReceipt,
): Promise<boolean> {
  const audit = await insertPartnerReceipt(trx, prepared)
  if (audit === undefined) return false
  await appendAuditEvent(trx, audit)
  return true
}

/**
 * The rows of {@link queuePartnerReceipt} without its audit entry, which it returns for the caller
 * to append in the same transaction with its own (one append for both); undefined, and nothing
 * written, when a receipt for the same message was queued before.
 */
export async function insertPartnerReceipt(
  trx: Transaction<Tables>,
  prepared: PreparedPartnerReceipt,
): Promise<AppendAuditInput | undefined> {
  const { receipt } = prepared
  const inserted = await insertQueuedTransferIfAbsent(trx, {
    id: prepared.id,
    kind: 'receipt',
    senderAgencyId: receipt.sender,
    recipientAgencyId: receipt.recipient,
    senderMailbox: prepared.senderMailbox,
    recipientMailbox: prepared.recipientMailbox,
    staffId: 'system',
    // A receipt is made under no consent and about no person: these stay empty.
    consentId: '',
    purpose: '',
    categories: [],
    subjectPseudonym: '',
    relatedTransferIds: [receipt.receiptFor],
    plaintextSha256: prepared.plaintextSha256,
    envelopeSha256: prepared.envelopeSha256,
    messageId: prepared.messageId,
    envelope: prepared.envelope,
    at: prepared.at,
    giveUpAt: prepared.giveUpAt,
  })
  if (!inserted) return undefined
  return {
    at: prepared.at,
    actor: 'system',
    event: {
      type: 'partner_receipt_sent',
      receiptId: prepared.id,
      receiptFor: receipt.receiptFor,
      senderAgencyId: receipt.sender,
      recipientAgencyId: receipt.recipient,
      outcome: receipt.outcome,
      ...(receipt.reason ? { reason: receipt.reason } : {}),
      envelopeSha256: receipt.envelopeSha256,
    },
  }
}

/**
 * Prepares and queues a receipt in a transaction of its own, then wakes the delivery worker: for
 * an inbound pipeline that commits its decision first. Returns what happened.
 */
export async function sendPartnerReceipt(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'config' | 'log'>,
  input: PartnerReceiptInput,
): Promise<
  { queued: true; receiptId: string } | { queued: false; reason: 'already_queued' | PrepareProblem }
> {
  const made = await preparePartnerReceipt(deps, input)
  if (!made.ok) {
    deps.log.warn(
      { transferId: input.transferId, senderAgencyId: input.senderAgencyId, problem: made.problem },
      'partner receipt not sent',
    )
    return { queued: false, reason: made.problem }
  }
  const queued = await deps.db
    .transaction()
    .execute((trx) => queuePartnerReceipt(trx, made.prepared))
  if (!queued) return { queued: false, reason: 'already_queued' }
  deps.relay.outbox.queued()
  return { queued: true, receiptId: made.prepared.id }
}

type PrepareProblem = Extract<PreparePartnerReceiptResult, { ok: false }>['problem']
