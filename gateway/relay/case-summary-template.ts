import { readFileSync } from 'node:fs'
import { z } from 'zod'

const formSchema = z.strictObject({
  id: z.enum(['uebergabebogen', 'fallkonferenz']),
  title: z.string().min(1),
  intro: z.string().min(1),
  closing: z.string().min(1),
})
export type CaseSummaryForm = z.infer<typeof formSchema>
export type CaseSummaryFormId = CaseSummaryForm['id']
export const caseSummaryFormIds = ['uebergabebogen', 'fallkonferenz'] as const

const coverSheetSchema = z.strictObject({
  heading: z.string().min(1),
  labels: z.strictObject({
    transfer: z.string(),
    sender: z.string(),
    recipient: z.string(),
    purpose: z.string(),
    categories: z.string(),
    consent: z.string(),
    consentText: z.string(),
    validity: z.string(),
    necessity: z.string(),
    attachments: z.string(),
    entrusted: z.string(),
    consentKind: z.string(),
    consentTextVersion: z.string(),
    signatories: z.string(),
    attestation: z.string(),
  }),
  /** Where the signed consent attestation is (issue 16 point 4). */
  attestationNote: z.string().min(1),
  consentKinds: z.strictObject({
    einwilligung: z.string(),
    schweigepflichtsentbindung: z.string(),
  }),
  signatoryRoles: z.strictObject({
    youth: z.string(),
    guardian: z.string(),
    entrusting_person: z.string(),
    entrusting_person_2: z.string(),
    entrusting_person_3: z.string(),
  }),
  signatureMethods: z.strictObject({
    kiosk_drawn: z.string(),
    kiosk_typed: z.string(),
    paper_scan: z.string(),
    staff_attested: z.string(),
  }),
  purposeBinding: z.string().min(1),
  /** Shown when the transfer carries data entrusted to a Jugendamt (§ 65 Abs. 1 S. 2 SGB VIII). */
  section65Notice: z.string().min(1),
})
export type CoverSheetTexts = z.infer<typeof coverSheetSchema>

const directory = new URL('../../templates/case-summary/', import.meta.url)

function load<T>(name: string, schema: z.ZodType<T>): T {
  return schema.parse(JSON.parse(readFileSync(new URL(name, directory), 'utf8')))
}

/** The case-summary forms (templates/case-summary), read and validated once at start. */
export const caseSummaryForms: Record<CaseSummaryFormId, CaseSummaryForm> = {
  uebergabebogen: load('uebergabebogen.json', formSchema),
  fallkonferenz: load('fallkonferenz.json', formSchema),
}

/** The cover sheet texts, incl. the purpose-binding notice of § 78 SGB X. */
export const coverSheetTexts: CoverSheetTexts = load('cover-sheet.json', coverSheetSchema)

/** The form a transfer uses when the sender names none: a case conference gets its brief. */
export function defaultFormFor(purpose: string): CaseSummaryFormId {
  return purpose === 'fallkonferenz' ? 'fallkonferenz' : 'uebergabebogen'
}
