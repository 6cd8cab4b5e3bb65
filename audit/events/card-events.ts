import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

/**
 * Federation: partner cards (issue 16, point 1) — exported for a hosted agency, imported for a
 * partner, and an agency's S/MIME profile changed. Fingerprints and counts only.
 */
export const cardEventSchemas = [
  z.strictObject({
    type: z.literal('partner_card_exported'),
    agencyId: id,
    cardSha256: sha256HexSchema,
    issuedAt: z.iso.datetime(),
    certificates: z.number().int().min(1).max(8),
  }),
  z.strictObject({
    type: z.literal('partner_card_imported'),
    agencyId: id,
    cardSha256: sha256HexSchema,
    issuedAt: z.iso.datetime(),
    /** The card's root CA, now a trust anchor. */
    caSha256: sha256HexSchema,
    certificatesAdded: z.array(sha256HexSchema).max(8),
    /** Certificates dropped by this card: in service until `retireAt` (the rollover overlap). */
    certificatesRetiring: z.array(sha256HexSchema).max(64),
    retireAt: z.iso.datetime().optional(),
    /** true when a card of this agency had been imported before. */
    replaced: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('agency_profile_changed'),
    agencyId: id,
    from: z.enum(['modern', 'compatible']),
    to: z.enum(['modern', 'compatible']),
  }),
] as const
