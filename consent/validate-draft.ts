import { z } from 'zod'
import {
  addDays,
  addMonths,
  berlinDateOf,
  calendarDateSchema,
  type CalendarDate,
} from './calendar.ts'
import { isPlausibleBirthDate } from './birth-date.ts'
import {
  agencyRefSchema,
  consentKindSchema,
  consentSubjectInputSchema,
  entrustingPersonInputSchema,
  maxEntrustingPersons,
  type EntrustingPerson,
} from './consent.ts'
import { ConsentError, type ConsentProblem } from './errors.ts'
import { personNameSchema } from './person-name.ts'
import { carriesSection65Data, defaultEntrustedCategories } from './signatories.ts'
import type { Vocabulary } from './vocabulary.ts'

/**
 * What staff submit for a new consent (docs/design.md §6 `POST /consents`). Shapes are checked here;
 * the rules of a valid consent are checked by {@link validateDraft}, so each refusal has its own
 * code. Terms and parties are loose strings on purpose: an unknown term or a wildcard must reach
 * the rules and get its specific code.
 */
export const consentDraftInputSchema = z.strictObject({
  kind: consentKindSchema,
  subject: consentSubjectInputSchema,
  senders: z.array(agencyRefSchema).max(20),
  recipients: z.array(agencyRefSchema).max(20),
  purposes: z.array(z.string().min(1).max(64)).max(20),
  categories: z.array(z.string().min(1).max(64)).max(40),
  validFrom: calendarDateSchema.optional(),
  validUntil: calendarDateSchema,
  language: z.string().min(2).max(16).default('de'),
  /** Named professionals or bodies; a person's name or a function ("Sozialpädagogin, Träger X"). */
  releasedProfessionals: z.array(personNameSchema).max(20).default([]),
  /** One person who entrusted § 65 data (kept for clients that name only one). */
  entrustingPerson: entrustingPersonInputSchema.optional(),
  /** Everyone who entrusted § 65 data, in the order they sign; not together with the above. */
  entrustingPersons: z
    .array(entrustingPersonInputSchema)
    .min(1)
    .max(maxEntrustingPersons)
    .optional(),
  /**
   * The categories whose data was entrusted to the Jugendamt (§ 65 SGB VIII), marked by its
   * staff; any of `categories`, only when a Jugendamt sends. Absent: the vocabulary's usual ones.
   */
  entrustedCategories: z.array(z.string().min(1).max(64)).max(40).optional(),
  /** Makes it a single-transfer consent bound to this case summary (lower-case hex SHA-256). */
  summarySha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
})
export type ConsentDraftInput = z.infer<typeof consentDraftInputSchema>

export interface DraftContext {
  now: Date
  /** Longest validity in months (docs/design.md §3.1, default 12). */
  maxMonths: number
  vocabulary: Vocabulary
  /** Kind of every registered agency, by id. */
  agencyKinds: ReadonlyMap<string, string>
  /** The agency of the staff member preparing the consent; it must be a party. */
  creatorAgencyId: string
  /** Agencies whose Art. 13 GDPR information is configured; the text must show it for each. */
  agenciesWithPrivacyNotice: ReadonlySet<string>
}

/** A draft that passed every rule, with `validFrom` and the entrusted categories settled. */
export type ValidDraft = ConsentDraftInput & {
  validFrom: CalendarDate
  entrustedCategories: string[]
  /** `entrustingPerson` or `entrustingPersons`, as one list. */
  entrustingPersons: EntrustingPerson[]
}

const wildcard = /[*%?]|^(all|alle|any|every|jede|jedes|jeder)$/i

/**
 * Checks the rules of a valid consent (docs/design.md §3.1) and reports every problem at once. A
 * "general" consent is not effective (generelle Schweigepflichtsentbindung): it must be specific,
 * current and purpose-bound, so wildcards, open-ended validity and unnamed releases are refused.
 *
 * @throws ConsentError with the code of the first problem and all problems in `details`.
 */
export function validateDraft(input: ConsentDraftInput, context: DraftContext): ValidDraft {
  const problems: ConsentProblem[] = []
  const today = berlinDateOf(context.now)
  const validFrom = input.validFrom ?? today

  if (input.purposes.length === 0)
    problems.push({ code: 'ERR_CONSENT_NO_PURPOSE', path: 'purposes' })
  if (input.categories.length === 0)
    problems.push({ code: 'ERR_CONSENT_NO_CATEGORY', path: 'categories' })
  if (input.senders.length === 0) problems.push({ code: 'ERR_CONSENT_NO_SENDER', path: 'senders' })
  if (input.recipients.length === 0)
    problems.push({ code: 'ERR_CONSENT_NO_RECIPIENT', path: 'recipients' })

  for (const side of ['senders', 'recipients'] as const) {
    input[side].forEach((agency, index) => {
      const path = `${side}.${index}`
      if (wildcard.test(agency))
        problems.push({ code: 'ERR_CONSENT_WILDCARD_PARTY', path, value: agency })
      else if (!context.agencyKinds.has(agency))
        problems.push({ code: 'ERR_CONSENT_UNKNOWN_AGENCY', path, value: agency })
      // Without it the text could not tell the person who is responsible, whom to ask and
      // where to complain (Art. 13 GDPR): no consent is asked for on such a text.
      else if (!context.agenciesWithPrivacyNotice.has(agency))
        problems.push({ code: 'ERR_CONSENT_PRIVACY_NOTICE_MISSING', path, value: agency })
    })
    checkDuplicates(input[side], side, problems)
  }
  for (const agency of input.recipients) {
    if (input.senders.includes(agency))
      problems.push({ code: 'ERR_CONSENT_SENDER_IS_RECIPIENT', path: 'recipients', value: agency })
  }
  // The preparing agency is a sender: an agency that would receive the data never controls the
  // act that lets it flow (docs/design.md §3.6) — it cannot discard, push or attest either.
  const parties = [...input.senders, ...input.recipients]
  if (parties.length > 0 && !parties.includes(context.creatorAgencyId))
    problems.push({
      code: 'ERR_CONSENT_CREATOR_NOT_PARTY',
      path: 'senders',
      value: context.creatorAgencyId,
    })
  else if (input.senders.length > 0 && !input.senders.includes(context.creatorAgencyId))
    problems.push({
      code: 'ERR_CONSENT_CREATOR_NOT_SENDER',
      path: 'senders',
      value: context.creatorAgencyId,
    })

  input.purposes.forEach((purpose, index) => {
    if (!Object.hasOwn(context.vocabulary.purposes, purpose))
      problems.push({
        code: 'ERR_CONSENT_UNKNOWN_PURPOSE',
        path: `purposes.${index}`,
        value: purpose,
      })
  })
  input.categories.forEach((category, index) => {
    if (!Object.hasOwn(context.vocabulary.categories, category))
      problems.push({
        code: 'ERR_CONSENT_UNKNOWN_CATEGORY',
        path: `categories.${index}`,
        value: category,
      })
  })
  checkDuplicates(input.purposes, 'purposes', problems)
  checkDuplicates(input.categories, 'categories', problems)

  if (input.validUntil < validFrom)
    problems.push({ code: 'ERR_CONSENT_VALIDITY_REVERSED', path: 'validUntil' })
  if (input.validUntil < today || validFrom < today)
    problems.push({
      code: 'ERR_CONSENT_VALIDITY_IN_PAST',
      path: input.validUntil < today ? 'validUntil' : 'validFrom',
    })
  // validFrom + N months covers N months only through the day before (a year from 2 March
  // ends with 1 March).
  if (input.validUntil > addDays(addMonths(validFrom, context.maxMonths), -1))
    problems.push({ code: 'ERR_CONSENT_VALIDITY_TOO_LONG', path: 'validUntil' })

  if (!isPlausibleBirthDate(input.subject.birthDate, today))
    problems.push({ code: 'ERR_CONSENT_BIRTH_DATE_INVALID', path: 'subject.birthDate' })

  if (input.kind === 'schweigepflichtsentbindung' && input.releasedProfessionals.length === 0)
    problems.push({
      code: 'ERR_CONSENT_RELEASED_PROFESSIONALS_MISSING',
      path: 'releasedProfessionals',
    })

  const knownCategories = input.categories.filter((c) =>
    Object.hasOwn(context.vocabulary.categories, c),
  )
  const fromJugendamt = input.senders.some((s) => context.agencyKinds.get(s) === 'jugendamt')
  const entrustedCategories =
    input.entrustedCategories ??
    defaultEntrustedCategories({
      senders: input.senders,
      senderKinds: context.agencyKinds,
      categories: knownCategories,
      vocabulary: context.vocabulary,
    })
  checkDuplicates(entrustedCategories, 'entrustedCategories', problems)
  entrustedCategories.forEach((category, i) => {
    if (!fromJugendamt)
      problems.push({
        code: 'ERR_CONSENT_ENTRUSTED_WITHOUT_JUGENDAMT',
        path: `entrustedCategories.${i}`,
        value: category,
      })
    else if (!input.categories.includes(category))
      problems.push({
        code: 'ERR_CONSENT_ENTRUSTED_NOT_A_CATEGORY',
        path: `entrustedCategories.${i}`,
        value: category,
      })
  })
  const section65 = carriesSection65Data({
    senders: input.senders,
    senderKinds: context.agencyKinds,
    categories: knownCategories,
    deselectedCategories: [],
    entrustedCategories,
  })
  if (input.entrustingPerson !== undefined && input.entrustingPersons !== undefined)
    problems.push({ code: 'ERR_CONSENT_DUPLICATE_ENTRY', path: 'entrustingPersons' })
  const entrustingPersons =
    input.entrustingPersons ?? (input.entrustingPerson ? [input.entrustingPerson] : [])
  if (entrustingPersons.filter((p) => p.isYouth).length > 1)
    problems.push({ code: 'ERR_CONSENT_DUPLICATE_ENTRY', path: 'entrustingPersons' })
  if (section65 && entrustingPersons.length === 0)
    problems.push({ code: 'ERR_CONSENT_ENTRUSTING_PERSON_MISSING', path: 'entrustingPersons' })

  const first = problems[0]
  if (first) {
    throw new ConsentError(
      first.code,
      `The consent is not valid (${problems.map((p) => p.code).join(', ')}).`,
      {
        details: {
          problems,
        },
      },
    )
  }
  return { ...input, validFrom, entrustedCategories, entrustingPersons }
}

function checkDuplicates(
  values: readonly string[],
  path: string,
  problems: ConsentProblem[],
): void {
  const seen = new Set<string>()
  for (const value of values) {
    if (seen.has(value)) problems.push({ code: 'ERR_CONSENT_DUPLICATE_ENTRY', path, value })
    seen.add(value)
  }
}
