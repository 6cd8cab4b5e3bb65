import { createHash } from 'node:crypto'
import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'
import { buildConsentAttestation } from '../../consent/consent-attestation.ts'
import { decide } from '../../consent/decide.ts'
import { termIdSchema } from '../../consent/vocabulary.ts'
import { findAgencies } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  findConsentForTransfer,
  listSignatureFacts,
  markConsentUsed,
} from '../../db/consent-repository.ts'
import {
  findIncomingDataRequest,
  markDataRequestAnswered,
} from '../../db/data-request-repository.ts'
import {
  findTransfer,
  insertQueuedTransfer,
  listTransfersDeliveredTo,
  listTransfersOfSender,
  transferStatusSchema,
  type TransferRecord,
  type TransferStatus,
} from '../../db/transfer-repository.ts'
import { insertSenderCopy } from '../../db/transfer-copy-repository.ts'
import type { Deps } from '../deps.ts'
import type { RecordOutcome } from '../idempotency/idempotent-call.ts'
import { caseSummaryFormIds, defaultFormFor } from './case-summary-template.ts'
import { lookUpCertificateConditions } from './certificate-conditions.ts'
import { composeMessage, type SummaryAttachment } from './compose-message.ts'
import { RelayError } from './relay-error.ts'
import { relaySettingsOf } from './relay-settings.ts'
import { sealMessage } from './seal-message.ts'
import { signerError } from './signer-error.ts'

/** Largest PDF attachment (decoded bytes). */
export const maxAttachmentBytes = 10 * 1024 * 1024

/** Most PDF attachments one transfer carries. */
const maxAttachments = 5

/**
 * Largest JSON body of a transfer in bytes: every attachment at its largest in base64 (4/3 of
 * the bytes), plus 6 MiB for the sections and the rest of the body.
 */
export const maxTransferBodyBytes =
  Math.ceil((maxAttachmentBytes * 4) / 3) * maxAttachments + 6 * 1024 * 1024

export const transferInputSchema = z.strictObject({
  consentId: z.string().min(1).max(64),
  to: identifierSchema,
  purpose: termIdSchema,
  /** The statement of necessity (Erforderlichkeit, § 67a SGB X). */
  necessity: z.string().max(2000),
  /** Which case-summary form; by default the Fallkonferenz brief for `fallkonferenz`, else the Übergabebogen. */
  form: z.enum(caseSummaryFormIds).optional(),
  sections: z
    .array(
      z.strictObject({
        category: termIdSchema,
        title: z.string().trim().min(1).max(200),
        body: z.string().trim().min(1).max(100_000),
      }),
    )
    .min(1)
    .max(50),
  attachments: z
    .array(
      z.strictObject({
        filename: z
          .string()
          .regex(/^[\w .()äöüÄÖÜß-]{1,120}\.pdf$/i, 'a plain file name ending in .pdf'),
        contentType: z.literal('application/pdf'),
        contentBase64: z
          .string()
          .min(1)
          .max(Math.ceil((maxAttachmentBytes * 4) / 3) + 4),
        category: termIdSchema,
      }),
    )
    .max(maxAttachments)
    .optional(),
  /** A data request of the recipient agency this transfer answers. */
  requestId: z.string().min(1).max(64).optional(),
})
export type TransferInput = z.infer<typeof transferInputSchema>

export const transferViewSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['transfer', 'revocation_notice']),
  status: transferStatusSchema,
  from: z.string(),
  to: z.string(),
  consentId: z.string(),
  purpose: z.string(),
  categories: z.array(z.string()),
  messageId: z.string(),
  plaintextSha256: z.string(),
  envelopeSha256: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  smtpResponse: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deliveredAt: z.string().nullable(),
  /**
   * The partner gateway's signed receipt (issue 16 point 7): it decrypted and verified the
   * transfer and accepted it, or refused it with a reason code; null until one arrived.
   */
  partnerReceipt: z
    .strictObject({
      at: z.string(),
      outcome: z.enum(['accepted', 'refused']),
      reason: z.string().optional(),
    })
    .nullable(),
})
export type TransferView = z.infer<typeof transferViewSchema>

/** A transfer or notice as its sender's staff see it; receipts owed to partners are no transfers. */
export function toTransferView(
  t: TransferRecord & { kind: Exclude<TransferRecord['kind'], 'receipt'> },
): TransferView {
  const receipt = t.partnerReceipt
  return {
    id: t.id,
    kind: t.kind,
    status: t.status,
    from: t.senderAgencyId,
    to: t.recipientAgencyId,
    consentId: t.consentId,
    purpose: t.purpose,
    categories: t.categories,
    messageId: t.messageId,
    plaintextSha256: t.plaintextSha256,
    envelopeSha256: t.envelopeSha256,
    attempts: t.attempts,
    nextAttemptAt: t.nextAttemptAt,
    lastError: t.lastError,
    smtpResponse: t.smtpResponse,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    deliveredAt: t.deliveredAt,
    partnerReceipt: receipt
      ? {
          at: receipt.at,
          outcome: receipt.outcome,
          ...(receipt.reason !== null ? { reason: receipt.reason } : {}),
        }
      : null,
  }
}

const isNoReceipt = (
  t: TransferRecord,
): t is TransferRecord & { kind: Exclude<TransferRecord['kind'], 'receipt'> } =>
  t.kind !== 'receipt'

/** The staff member submitting (API or SMTP ingress). */
export interface TransferCaller {
  actor: `user:${string}`
  userId: string
  agencyId: string
}

/** What submitting needs: the relay's keyring and outbox signal come in `deps.relay`. */
export type RelayServiceDeps = Pick<Deps, 'db' | 'clock' | 'ids' | 'config' | 'relay' | 'metrics'>

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

function decodeAttachments(input: TransferInput): SummaryAttachment[] {
  return (input.attachments ?? []).map((a, index) => {
    if (!/^[A-Za-z0-9+/\r\n]+={0,2}\s*$/.test(a.contentBase64))
      throw new RelayError('ERR_RELAY_ATTACHMENT_ENCODING', 'The attachment is not valid base64.', {
        details: {
          index,
        },
      })
    const content = Buffer.from(a.contentBase64, 'base64')
    if (content.length > maxAttachmentBytes)
      throw new RelayError('ERR_RELAY_ATTACHMENT_TOO_LARGE', 'The attachment is too large.', {
        details: {
          index,
          limitBytes: maxAttachmentBytes,
        },
      })
    // A PDF starts with "%PDF-" (ISO 32000-1 §7.5.2); the declared type alone proves nothing.
    if (content.subarray(0, 5).toString('latin1') !== '%PDF-')
      throw new RelayError('ERR_RELAY_ATTACHMENT_NOT_PDF', 'The attachment is not a PDF file.', {
        details: {
          index,
        },
      })
    return { filename: a.filename, contentType: a.contentType, content, category: a.category }
  })
}

/**
 * SHA-256 over the summary's content (sections and attachment digests), independent of MIME
 * boundaries: the value a single-transfer consent binds (docs/design.md §3.1) and the audit records.
 */
export function summarySha256Of(
  sections: TransferInput['sections'],
  attachments: readonly SummaryAttachment[],
): string {
  return sha256(
    JSON.stringify({
      sections: sections.map((s) => ({ category: s.category, title: s.title, body: s.body })),
      attachments: attachments.map((a) => ({
        filename: a.filename,
        category: a.category,
        sha256: sha256(a.content),
      })),
    }),
  )
}

function domainOf(mailbox: string): string {
  return mailbox.slice(mailbox.lastIndexOf('@') + 1) || 'brucke.invalid'
}

/**
 * Submits a transfer (docs/design.md §3.3 steps 1–3): decide at `now`; a denial is audited and
 * nothing else is stored; a permit builds, signs and encrypts the message and stores only the
 * envelope in the outbox, in the same transaction as its `transfer_queued` audit entry.
 *
 * @throws RelayError `transfer_denied` with `details.reasons` (the stable codes of §3.2).
 */
export async function submitTransfer(
  deps: RelayServiceDeps,
  input: {
    caller: TransferCaller
    transfer: TransferInput
    /** Where the staff member sent it from: web page (session), API (token), SMTP ingress. */
    channel: 'page' | 'api' | 'smtp_ingress'
    /** Stores the caller's idempotency key with the new transfer, in its transaction. */
    recordOutcome?: RecordOutcome
  },
): Promise<{ id: string; status: TransferStatus }> {
  const { caller, transfer } = input
  const now = deps.clock.now()
  const attachments = decodeAttachments(transfer)
  const categories = [
    ...new Set([
      ...transfer.sections.map((s) => s.category),
      ...attachments.map((a) => a.category),
    ]),
  ]
  const summarySha256 = summarySha256Of(transfer.sections, attachments)
  const transferId = deps.ids.newId('trf')

  if (transfer.requestId) {
    const request = await findIncomingDataRequest(deps.db, {
      id: transfer.requestId,
      holderAgencyId: caller.agencyId,
    })
    if (!request)
      throw new RelayError('ERR_RELAY_REQUEST_NOT_FOUND', 'No such request to your agency.')
    if (
      request.status !== 'open' ||
      request.requesterAgencyId !== transfer.to ||
      request.consentId !== transfer.consentId
    )
      throw new RelayError(
        'ERR_RELAY_REQUEST_MISMATCH',
        'The request is answered already, or names another recipient or consent.',
      )
  }
  // The facts, the text hash and the entrusted categories in one read of the consent row.
  const stored = await findConsentForTransfer(deps.db, transfer.consentId)
  const facts = stored?.facts
  // A consent this agency is no party to is treated as absent: no hint that it exists.
  const visible =
    facts && (facts.senders.includes(caller.agencyId) || facts.recipients.includes(caller.agencyId))
      ? facts
      : undefined
  // The same look-up as the dry run (POST /decisions), so both answer alike.
  const certificates = await lookUpCertificateConditions(deps.relay.keyring, {
    from: caller.agencyId,
    to: transfer.to,
    at: now,
  })
  const recipient = certificates.recipient
  const decision = decide(
    {
      subjectPseudonym: visible?.subjectPseudonym ?? '',
      from: caller.agencyId,
      staffAgencyId: caller.agencyId,
      to: transfer.to,
      purpose: transfer.purpose,
      categories,
      necessity: transfer.necessity,
      recipientCertificate: certificates.recipientStanding,
      summarySha256,
      transferId,
    },
    visible ? [visible] : [],
    now,
  )
  deps.metrics.decision('transfer', decision)
  if (decision.decision === 'deny') {
    await appendAuditEvent(deps.db, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'transfer_denied',
        consentId: visible ? visible.id : null,
        subjectPseudonym: visible ? visible.subjectPseudonym : null,
        senderAgencyId: caller.agencyId,
        recipientAgencyId: transfer.to,
        purpose: transfer.purpose,
        categories,
        channel: input.channel,
        decision: 'deny',
        reasons: [...decision.reasons],
      },
    })
    throw new RelayError('transfer_denied', 'The transfer is not covered by a valid consent.', {
      details: {
        reasons: [...decision.reasons],
      },
    })
  }
  const { consent } = decision
  // A permitted transfer that cannot be signed answers its own 409 (issue 12, point 7), with
  // `details.reason` the `sender_*` code the dry run gives for the same cause.
  const signing = certificates.signer
  if (!signing.ok) throw signerError(signing)
  const signer = signing.identity
  // The decision saw a valid recipient certificate, so these guards hold unless the registry
  // changed in between; each names what went missing.
  if (!recipient)
    throw new RelayError(
      'ERR_RELAY_RECIPIENT_CERTIFICATE_MISSING',
      'The recipient agency has no valid certificate to encrypt to; ask the administrator.',
    )
  // The attestation's source: the consent row and the signatures' roles, dates and methods —
  // not the assembled consent with the subject and the evidence.
  const [signatures, agencies] = await Promise.all([
    listSignatureFacts(deps.db, consent.id),
    findAgencies(deps.db, [caller.agencyId, transfer.to]),
  ])
  // The consent the decision permitted is the row read above (`stored`): its attestation part.
  const source =
    stored?.attestation.id === consent.id ? { ...stored.attestation, signatures } : undefined
  const senderAgency = agencies.get(caller.agencyId)
  const recipientAgency = agencies.get(transfer.to)
  if (!senderAgency)
    throw new RelayError(
      'ERR_RELAY_SENDER_AGENCY_UNKNOWN',
      'Your agency is not registered in the gateway; ask the administrator.',
    )
  if (!recipientAgency)
    throw new RelayError(
      'ERR_RELAY_RECIPIENT_AGENCY_UNKNOWN',
      'The recipient agency is not registered in the gateway.',
    )
  if (!source)
    throw new RelayError(
      'ERR_RELAY_CONSENT_TEXT_MISSING',
      'The text of this consent is not on record any more; prepare a new consent.',
    )
  const messageId = `<${transferId}@${domainOf(senderAgency.mailbox)}>`
  const entity = await composeMessage({
    transferId,
    messageId,
    at: now,
    form: transfer.form ?? defaultFormFor(transfer.purpose),
    sender: { id: senderAgency.id, name: senderAgency.name, mailbox: senderAgency.mailbox },
    recipient: {
      id: recipientAgency.id,
      name: recipientAgency.name,
      mailbox: recipientAgency.mailbox,
    },
    consent: {
      id: consent.id,
      textSha256: source.text.sha256,
      validFrom: consent.validFrom,
      validUntil: consent.validUntil,
    },
    attestation: buildConsentAttestation(source, now),
    ...(source.person ? { person: source.person } : {}),
    purpose: transfer.purpose,
    categories,
    entrustedCategories:
      senderAgency.kind === 'jugendamt'
        ? source.entrustedCategories.filter((c) => categories.includes(c))
        : [],
    necessity: transfer.necessity.trim(),
    sections: transfer.sections,
    attachments,
  })
  const sealed = sealMessage({
    entity,
    signer,
    recipient,
    // The sending agency keeps what it sent readable to itself (issue 18 point 2, §3.3).
    encryptToSender: true,
    at: now,
    transferId,
    messageId,
  })
  const giveUpAt = new Date(now.getTime() + relaySettingsOf(deps.config).retryHorizonMs)
  const queued = { id: transferId, status: 'queued' } as const
  await deps.db.transaction().execute(async (trx) => {
    // First: a concurrent call with the same key waits here and then answers with this outcome.
    await input.recordOutcome?.(trx, { resourceId: transferId, body: queued })
    if (consent.singleTransfer) await markConsentUsed(trx, consent.id, transferId)
    await insertQueuedTransfer(trx, {
      id: transferId,
      kind: 'transfer',
      senderAgencyId: caller.agencyId,
      recipientAgencyId: transfer.to,
      senderMailbox: sealed.senderMailbox,
      recipientMailbox: sealed.recipientMailbox,
      staffId: caller.userId,
      consentId: consent.id,
      purpose: transfer.purpose,
      categories,
      subjectPseudonym: consent.subjectPseudonym,
      ...(transfer.requestId ? { requestId: transfer.requestId } : {}),
      plaintextSha256: summarySha256,
      envelopeSha256: sealed.sha256,
      messageId,
      envelope: sealed.raw,
      at: now,
      giveUpAt,
    })
    if (sealed.senderCopy !== null)
      await insertSenderCopy(trx, {
        transferId,
        senderAgencyId: caller.agencyId,
        envelope: sealed.senderCopy,
        at: now,
      })
    if (transfer.requestId) {
      const answered = await markDataRequestAnswered(trx, {
        id: transfer.requestId,
        transferId,
        at: now,
      })
      if (!answered)
        throw new RelayError('ERR_RELAY_REQUEST_MISMATCH', 'The request was answered meanwhile.')
      await appendAuditEvent(trx, {
        at: now,
        actor: caller.actor,
        event: {
          type: 'data_request_answered',
          requestId: transfer.requestId,
          transferId,
          consentId: consent.id,
          requesterAgencyId: transfer.to,
          holderAgencyId: caller.agencyId,
        },
      })
    }
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'transfer_queued',
        transferId,
        kind: 'transfer',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        senderAgencyId: caller.agencyId,
        recipientAgencyId: transfer.to,
        purpose: transfer.purpose,
        categories,
        channel: input.channel,
        ...(transfer.requestId ? { requestId: transfer.requestId } : {}),
        decision: 'permit',
        plaintextSha256: summarySha256,
        envelopeSha256: sealed.sha256,
        messageId,
      },
    })
  })
  deps.relay.outbox.queued()
  return queued
}

/** A transfer of the caller's agency; any other is "not found" (no hint that it exists). */
export async function getTransfer(
  deps: Pick<Deps, 'db'>,
  input: { agencyId: string; id: string },
): Promise<TransferView> {
  const transfer = await findTransfer(deps.db, input.id)
  // A receipt this agency owes a partner is no transfer of it: not found, like any other id.
  if (!transfer || transfer.senderAgencyId !== input.agencyId || !isNoReceipt(transfer))
    throw new RelayError('ERR_RELAY_TRANSFER_NOT_FOUND', 'No such transfer of your agency.')
  return toTransferView(transfer)
}

/** The caller agency's transfers, newest first. */
export async function listTransfers(
  deps: Pick<Deps, 'db'>,
  input: { agencyId: string; status?: TransferStatus },
): Promise<TransferView[]> {
  const list = await listTransfersOfSender(deps.db, { ...input, limit: 200 })
  return list.filter(isNoReceipt).map(toTransferView)
}

/** What was delivered to the caller's agency through Brücke: transfers and revocation notices. */
export async function listReceivedTransfers(
  deps: Pick<Deps, 'db'>,
  input: { agencyId: string },
): Promise<TransferView[]> {
  const list = await listTransfersDeliveredTo(deps.db, { agencyId: input.agencyId, limit: 200 })
  return list.filter(isNoReceipt).map(toTransferView)
}
