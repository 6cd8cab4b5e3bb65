import { z } from 'zod'
import type { ConsentDraftInput } from '../../consent/validate-draft.ts'

/** A form field that may come once, several times (checkboxes) or not at all. */
const manyValues = z.preprocess(
  (value: unknown): unknown[] =>
    value === undefined ? [] : Array.isArray(value) ? (value as unknown[]) : [value],
  z.array(z.string().max(64)).max(40),
)
const text = (max: number) => z.string().max(max).default('')

/**
 * The prepare-consent form as the browser posts it (urlencoded). Shapes only; the rules of a
 * valid consent are checked by the consent service, whose problems are shown on the form.
 */
export const prepareConsentFormSchema = z.strictObject({
  kind: z.enum(['einwilligung', 'schweigepflichtsentbindung']).default('einwilligung'),
  givenName: text(200),
  familyName: text(200),
  birthDate: text(10),
  caseRef: text(100),
  senders: manyValues,
  recipients: manyValues,
  purposes: manyValues,
  categories: manyValues,
  validFrom: text(10),
  validUntil: text(10),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/)
    .default('de'),
  releasedProfessionals: text(4000),
  entrusting: z.enum(['', 'youth', 'other']).default(''),
  entrustingName: text(200),
  entrustingRelation: text(100),
  /** Further people who entrusted data (each signs too); empty rows are left out. */
  entrustingName2: text(200),
  entrustingRelation2: text(100),
  entrustingName3: text(200),
  entrustingRelation3: text(100),
  /** Categories a Jugendamt's staff marked as entrusted (§ 65 SGB VIII). */
  entrustedCategories: manyValues,
  /** Set when the form offered the entrusted marks (only to a Jugendamt's staff). */
  entrustedMarked: z.literal('yes').optional(),
  /** The broad-choice warnings (their codes) staff confirmed they talked through, one box each. */
  confirmBroad: manyValues,
})
export type PrepareConsentForm = z.infer<typeof prepareConsentFormSchema>

/** The API draft from the form; empty optional fields are left out, not sent empty. */
export function draftFromForm(form: PrepareConsentForm, agencyId: string): ConsentDraftInput {
  const released = form.releasedProfessionals
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
  const caseRef = form.caseRef.trim()
  return {
    kind: form.kind,
    subject: {
      givenName: form.givenName.trim(),
      familyName: form.familyName.trim(),
      birthDate: form.birthDate,
      caseRefs: caseRef ? { [agencyId]: caseRef } : {},
    },
    senders: form.senders,
    recipients: form.recipients,
    purposes: form.purposes,
    categories: form.categories,
    ...(form.validFrom ? { validFrom: form.validFrom } : {}),
    validUntil: form.validUntil,
    language: form.language,
    releasedProfessionals: released,
    // A mark on a category that was then unticked means nothing; drop it rather than refuse.
    ...(form.entrustedMarked === 'yes'
      ? { entrustedCategories: form.entrustedCategories.filter((c) => form.categories.includes(c)) }
      : {}),
    ...entrustingPersonsOf(form),
  }
}

/** The form's entrusting persons: the youth, or up to three named people (rows left empty skip). */
function entrustingPersonsOf(
  form: PrepareConsentForm,
): Pick<ConsentDraftInput, 'entrustingPersons'> {
  if (form.entrusting === 'youth') return { entrustingPersons: [{ isYouth: true as const }] }
  if (form.entrusting !== 'other') return {}
  const rows: [string, string][] = [
    [form.entrustingName, form.entrustingRelation],
    [form.entrustingName2, form.entrustingRelation2],
    [form.entrustingName3, form.entrustingRelation3],
  ]
  const named = rows.flatMap(([name, relation], i) =>
    // The first row always counts, so an empty name is refused by name, not skipped.
    i > 0 && !name.trim()
      ? []
      : [
          {
            isYouth: false as const,
            name: name.trim(),
            ...(relation.trim() ? { relation: relation.trim() } : {}),
          },
        ],
  )
  return { entrustingPersons: named }
}

/**
 * The form prefilled from a draft (the renewal of issue 18 point 5): the inverse of
 * {@link draftFromForm} for what the form holds — the case reference is the caller's agency's.
 */
export function formFromDraft(draft: ConsentDraftInput, agencyId: string): PrepareConsentForm {
  const persons =
    draft.entrustingPersons ?? (draft.entrustingPerson ? [draft.entrustingPerson] : [])
  const named = persons.flatMap((p) => (p.isYouth ? [] : [p]))
  const row = (i: number) => ({ name: named[i]?.name ?? '', relation: named[i]?.relation ?? '' })
  return prepareConsentFormSchema.parse({
    kind: draft.kind,
    givenName: draft.subject.givenName,
    familyName: draft.subject.familyName,
    birthDate: draft.subject.birthDate,
    caseRef: draft.subject.caseRefs[agencyId] ?? '',
    senders: draft.senders,
    recipients: draft.recipients,
    purposes: draft.purposes,
    categories: draft.categories,
    validFrom: draft.validFrom ?? '',
    validUntil: draft.validUntil,
    language: draft.language,
    releasedProfessionals: draft.releasedProfessionals.join('\n'),
    entrusting: persons.some((p) => p.isYouth) ? 'youth' : named.length > 0 ? 'other' : '',
    entrustingName: row(0).name,
    entrustingRelation: row(0).relation,
    entrustingName2: row(1).name,
    entrustingRelation2: row(1).relation,
    entrustingName3: row(2).name,
    entrustingRelation3: row(2).relation,
    entrustedCategories: draft.entrustedCategories ?? [],
  })
}
