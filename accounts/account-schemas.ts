import { z } from 'zod'
import { agencyKindSchema } from '../config/agency-kinds.ts'
import { roleSchema } from './roles.ts'

export const identifierSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2–63 characters')

export const smimeProfileSchema = z.enum(['modern', 'compatible'])

/** One line of the consent text: no line breaks or other control characters. */
const noticeLineSchema = z
  .string()
  .trim()
  .min(5)
  .max(300)
  .regex(/^\P{Cc}*$/u, 'one line without control characters')

/**
 * What the agency tells a person under Art. 13 GDPR; every consent text naming the agency shows
 * it. All three or none: without them no consent naming the agency can be prepared.
 */
export const privacyNoticeSchema = z.strictObject({
  /** The controller's legal name and postal address, e.g. "Stadt X – Jugendamt, Weg 1, 12345 X". */
  controller: noticeLineSchema,
  /** How to reach the data protection officer: address, e-mail, phone. */
  dpoContact: noticeLineSchema,
  /** The supervisory authority competent for the agency, with its address (Art. 77 GDPR). */
  supervisoryAuthority: noticeLineSchema,
})
export type PrivacyNotice = z.infer<typeof privacyNoticeSchema>

export const agencySchema = z.strictObject({
  id: identifierSchema,
  name: z.string().trim().min(2).max(200),
  kind: agencyKindSchema,
  mailbox: z.email().max(254),
  smimeProfile: smimeProfileSchema,
  privacyNotice: privacyNoticeSchema.nullable(),
})
export type Agency = z.infer<typeof agencySchema>

export const newAgencySchema = agencySchema.extend({
  smimeProfile: smimeProfileSchema.default('modern'),
  privacyNotice: privacyNoticeSchema.nullable().default(null),
})
export type NewAgency = z.input<typeof newAgencySchema>

export const userSchema = z.strictObject({
  id: identifierSchema,
  displayName: z.string().trim().min(2).max(200),
  role: roleSchema,
  agencyId: identifierSchema.nullable(),
  allAgencies: z.boolean(),
  disabled: z.boolean(),
})
export type User = z.infer<typeof userSchema>

export const newUserSchema = z
  .strictObject({
    id: identifierSchema,
    displayName: z.string().trim().min(2).max(200),
    role: roleSchema,
    agencyId: identifierSchema.nullable().default(null),
    allAgencies: z.boolean().default(false),
    password: z.string().min(12, 'at least 12 characters').max(200),
  })
  .superRefine((user, ctx) => {
    if ((user.role === 'staff' || user.role === 'kiosk') && user.agencyId === null) {
      ctx.addIssue({
        code: 'custom',
        path: ['agencyId'],
        message: `a ${user.role} account must belong to an agency`,
      })
    }
    if (user.role === 'dpo' && user.agencyId === null && !user.allAgencies) {
      ctx.addIssue({
        code: 'custom',
        path: ['agencyId'],
        message: 'a DPO belongs to an agency or is granted all agencies',
      })
    }
    if (user.allAgencies && user.role !== 'dpo') {
      ctx.addIssue({
        code: 'custom',
        path: ['allAgencies'],
        message: 'only a DPO can be granted all agencies',
      })
    }
  })
export type NewUser = z.input<typeof newUserSchema>
