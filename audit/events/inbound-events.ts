import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

/** What arrived: a case summary or a notice that its consent ended (`X-Brucke-Notice`). */
const inboundKind = z.enum(['case_summary', 'revocation_notice', 'lapse_notice'])
/** `smtp`: from a partner gateway's mail; `local`: a transfer between two agencies hosted here. */
const inboundChannel = z.enum(['smtp', 'local'])
/** A refusal reason of the receive pipeline (gateway/inbound/inbound-refusal.ts), e.g. `signer_revoked`. */
const refusalReason = z.string().regex(/^[a-z][a-z0-9_]{1,59}$/)

/**
 * Events of the inbound path (issue 16, point 3): S/MIME messages partner gateways (or this
 * instance) delivered to a hosted agency. They name the agencies, the sender's transfer id and
 * consent when verified, and hashes of the Message-ID and the envelope — never content.
 */
export const inboundEventSchemas = [
  z.strictObject({
    type: z.literal('inbound_received'),
    itemId: id,
    kind: inboundKind,
    channel: inboundChannel,
    senderAgencyId: id,
    recipientAgencyId: id,
    transferId: id,
    consentId: id,
    messageIdSha256: sha256HexSchema,
    envelopeSha256: sha256HexSchema,
  }),
  z.strictObject({
    type: z.literal('inbound_refused'),
    reason: refusalReason,
    channel: inboundChannel,
    /** Refused at SMTP level (nothing kept) or kept `quarantined` without plaintext. */
    outcome: z.enum(['refused', 'quarantined']),
    itemId: id.optional(),
    /** Known only once the signature verified; null before. */
    senderAgencyId: id.nullable(),
    recipientAgencyId: id.nullable(),
    messageIdSha256: sha256HexSchema.nullable(),
    envelopeSha256: sha256HexSchema,
  }),
] as const
