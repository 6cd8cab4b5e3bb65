import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

/** Certificate registry events (docs/design.md §3.5: certificate added / revoked); metadata only. */
export const cryptoEventSchemas = [
  z.strictObject({
    type: z.literal('certificate_added'),
    agencyId: id,
    certificateSha256: sha256HexSchema,
    serialNumber: z
      .string()
      .regex(/^[0-9A-F]+$/)
      .max(42),
    notAfter: z.iso.datetime(),
    withKey: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('certificate_revoked'),
    agencyId: id,
    certificateSha256: sha256HexSchema,
    reason: z.string().max(200),
  }),
  z.strictObject({
    /** A hosted agency's key change (issue 18 point 7): the new certificate, those retiring. */
    type: z.literal('certificate_rolled_over'),
    agencyId: id,
    certificateSha256: sha256HexSchema,
    certificatesRetiring: z.array(sha256HexSchema).max(50),
    /** When the retiring certificates leave service; absent when none was retiring. */
    retireAt: z.iso.datetime().optional(),
  }),
  z.strictObject({
    type: z.literal('trust_anchor_added'),
    certificateSha256: sha256HexSchema,
    subject: z.string().max(500),
    crlSource: z.enum(['none', 'file', 'url']),
  }),
  z.strictObject({
    /** An administrator had every CRL fetched at once (not the periodic refresh): counts only. */
    type: z.literal('crl_refresh_requested'),
    sources: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
  }),
] as const
