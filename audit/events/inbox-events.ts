import { z } from 'zod'
import { idSchema as id } from './common.ts'

const itemKind = z.enum(['case_summary', 'revocation_notice', 'lapse_notice'])

/**
 * Events of the receiving agency's inbox (issue 16 points 5 and 6): who opened or acknowledged
 * which received item, and which items a revocation or lapse notice stopped. Metadata only —
 * never the content, a name or a birth date; the person appears by pseudonym.
 */
export const inboxEventSchemas = [
  z.strictObject({
    type: z.literal('inbox_item_viewed'),
    itemId: id,
    kind: itemKind,
    agencyId: id,
    senderAgencyId: id.optional(),
    consentId: id.optional(),
    subjectPseudonym: id.optional(),
    /** How it was opened: the API, the staff page, or the copy for the case file. */
    /** `attachment`: one attachment downloaded (`attachmentIndex`), on the page or through the API. */
    via: z.enum(['api', 'page', 'pdf', 'attachment']),
    attachmentIndex: z.number().int().min(0).max(100).optional(),
  }),
  z.strictObject({
    type: z.literal('inbox_item_acknowledged'),
    itemId: id,
    kind: itemKind,
    agencyId: id,
    consentId: id.optional(),
    /** True when the acknowledgement took note that further use must stop. */
    useStopped: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('inbox_use_stopped'),
    /** The revocation or lapse notice that ended the use. */
    noticeItemId: id,
    agencyId: id,
    consentId: id,
    itemIds: z.array(id).max(10_000),
  }),
] as const
