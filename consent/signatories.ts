import { ageOn, berlinDateOf, type CalendarDate } from './calendar.ts'
import {
  coveredCategories,
  entrustingRoles,
  type EntrustingPerson,
  type SignatoryRole,
} from './consent.ts'
import type { Vocabulary } from './vocabulary.ts'

export interface SignatoryInput {
  birthDate: CalendarDate
  /** The instant of signing (or of the draft, before anyone signed). */
  at: Date
  /** Below this age (in completed years, Europe/Berlin) a guardian signs too (§ 36 SGB I). */
  guardianAge: number
  senders: readonly string[]
  /** Agency kind of every sender (`jugendamt`, …). */
  senderKinds: ReadonlyMap<string, string>
  categories: readonly string[]
  deselectedCategories: readonly string[]
  /** The categories the Jugendamt marked as entrusted (§ 65 SGB VIII). */
  entrustedCategories: readonly string[]
  entrustingPersons: readonly EntrustingPerson[]
}

/** True when the youth is younger than `guardianAge` on the Berlin calendar day of `at`. */
export function needsGuardian(birthDate: CalendarDate, at: Date, guardianAge: number): boolean {
  return ageOn(birthDate, berlinDateOf(at)) < guardianAge
}

/** True when data entrusted to a Jugendamt (§ 65 SGB VIII) leaves it under this consent. */
export function carriesSection65Data(
  input: Pick<
    SignatoryInput,
    'senders' | 'senderKinds' | 'categories' | 'deselectedCategories' | 'entrustedCategories'
  >,
): boolean {
  const fromJugendamt = input.senders.some((s) => input.senderKinds.get(s) === 'jugendamt')
  if (!fromJugendamt) return false
  return coveredCategories(input).some((c) => input.entrustedCategories.includes(c))
}

/**
 * The categories preselected as entrusted when staff prepare a consent: those the vocabulary
 * marks as typically entrusted (`section65`), and only when a Jugendamt sends. Staff may mark
 * any other category too, or unmark these.
 */
export function defaultEntrustedCategories(input: {
  senders: readonly string[]
  senderKinds: ReadonlyMap<string, string>
  categories: readonly string[]
  vocabulary: Vocabulary
}): string[] {
  if (!input.senders.some((s) => input.senderKinds.get(s) === 'jugendamt')) return []
  return input.categories.filter((c) => input.vocabulary.categories[c]?.section65 === true)
}

/**
 * Who must sign (docs/design.md §3.1): the youth always; a guardian when the youth is under
 * `guardianAge` at signing; the person who entrusted § 65 SGB VIII data to the Jugendamt when
 * such data leaves it and that person is not the youth.
 */
export function requiredSignatories(input: SignatoryInput): SignatoryRole[] {
  const roles: SignatoryRole[] = ['youth']
  if (needsGuardian(input.birthDate, input.at, input.guardianAge)) roles.push('guardian')
  if (carriesSection65Data(input))
    input.entrustingPersons
      .filter((person) => !person.isYouth)
      .forEach((_, i) => {
        const role = entrustingRoles[i]
        if (role) roles.push(role)
      })
  return roles
}
