import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

const term = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/)
const terms = z.array(term).max(40)
/** Deny reasons are the stable codes of docs/design.md §3.2, e.g. `category_not_covered:sucht`. */
const reason = z.string().regex(/^[a-z_]+(:[a-z][a-z0-9_]{1,39})?$/)
const kind = z.enum(['transfer', 'revocation_notice', 'receipt'])
/** An SMTP reply or a connection error, cut short; it never carries message content. */
const smtpText = z.string().max(500)

/** The parties and legal basis every transfer event names (metadata only, docs/design.md §3.5). */
const transferFacts = {
  transferId: id,
  kind,
  /** Null only for a partner receipt (kind `receipt`): it answers a transfer, under no consent. */
  consentId: id.nullable(),
  subjectPseudonym: id.nullable(),
  senderAgencyId: id,
  recipientAgencyId: id,
}

/**
 * Relay events (docs/design.md §3.3, §3.5): each names the transfer, consent, subject pseudonym and
 * agencies, and carries hashes of plaintext and envelope — never content, never a mailbox reply
 * with personal data.
 */
export const relayEventSchemas = [
  z.strictObject({
    type: z.literal('transfer_denied'),
    consentId: id.nullable(),
    subjectPseudonym: id.nullable(),
    senderAgencyId: id,
    recipientAgencyId: id,
    purpose: term,
    categories: terms,
    channel: z.enum(['page', 'api', 'smtp_ingress']),
    decision: z.literal('deny'),
    reasons: z.array(reason).min(1).max(60),
  }),
  z.strictObject({
    type: z.literal('transfer_queued'),
    ...transferFacts,
    purpose: term,
    categories: terms,
    channel: z.enum(['page', 'api', 'smtp_ingress', 'system']),
    requestId: id.optional(),
    decision: z.literal('permit'),
    plaintextSha256: sha256HexSchema,
    envelopeSha256: sha256HexSchema,
    messageId: z.string().max(300),
  }),
  z.strictObject({
    type: z.literal('transfer_retrying'),
    ...transferFacts,
    attempt: z.number().int().positive(),
    error: smtpText,
    nextAttemptAt: z.iso.datetime(),
  }),
  z.strictObject({
    type: z.literal('transfer_delivered'),
    ...transferFacts,
    attempt: z.number().int().positive(),
    messageId: z.string().max(300),
    smtpResponse: smtpText,
    envelopeSha256: sha256HexSchema,
  }),
  z.strictObject({
    type: z.literal('transfer_failed'),
    ...transferFacts,
    attempt: z.number().int().nonnegative(),
    permanent: z.boolean(),
    error: smtpText,
  }),
  z.strictObject({
    // The SMTP handoff started (attempt `attempt`, at `handoffStartedAt`) and no outcome was ever
    // recorded: the message may have arrived, so it is not sent again automatically.
    type: z.literal('transfer_handoff_uncertain'),
    ...transferFacts,
    attempt: z.number().int().positive(),
    messageId: z.string().max(300),
    handoffStartedAt: z.iso.datetime(),
  }),
  z.strictObject({
    type: z.literal('transfer_cancelled'),
    ...transferFacts,
    decision: z.literal('deny'),
    reasons: z.array(reason).min(1).max(60),
  }),
  // The operator's levers (issue 19 point 5), each written in the transaction of its change.
  z.strictObject({
    type: z.literal('transfer_retried'),
    ...transferFacts,
    /** Attempts made before the retry; the count goes on from there. */
    attempts: z.number().int().nonnegative(),
    decision: z.literal('permit'),
    giveUpAt: z.iso.datetime(),
  }),
  z.strictObject({
    type: z.literal('transfer_retry_refused'),
    ...transferFacts,
    decision: z.literal('deny'),
    reasons: z.array(reason).min(1).max(60),
  }),
  z.strictObject({
    type: z.literal('transfer_withdrawn'),
    ...transferFacts,
    previousStatus: z.enum(['queued', 'retrying', 'failed', 'handoff_uncertain']),
  }),
  z.strictObject({
    // Staff of the sending agency opened its sealed copy of a transfer (issue 18 point 2): on
    // the transfer page or as the copy for the case file. Metadata only, never the content.
    type: z.literal('transfer_copy_viewed'),
    transferId: id,
    consentId: id,
    subjectPseudonym: id,
    senderAgencyId: id,
    recipientAgencyId: id,
    /** `attachment`: one attachment downloaded (`attachmentIndex`). */
    via: z.enum(['page', 'pdf', 'attachment']),
    attachmentIndex: z.number().int().min(0).max(100).optional(),
  }),
  z.strictObject({
    type: z.literal('partner_delivery_paused'),
    /** The partner agency nothing is delivered to until it is resumed. */
    agencyId: id,
  }),
  z.strictObject({
    type: z.literal('partner_delivery_resumed'),
    agencyId: id,
    /** How many waiting transfers to it were made due at once. */
    madeDue: z.number().int().nonnegative(),
  }),
  z.strictObject({
    type: z.literal('data_request_created'),
    requestId: id,
    consentId: id,
    subjectPseudonym: id,
    requesterAgencyId: id,
    holderAgencyId: id,
    purpose: term,
    categories: terms,
  }),
  z.strictObject({
    type: z.literal('data_request_answered'),
    requestId: id,
    transferId: id,
    consentId: id,
    requesterAgencyId: id,
    holderAgencyId: id,
  }),
] as const
