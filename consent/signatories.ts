import { ageOn, berlinDateOf, type CalendarDate } from './calendar.ts'
import { coveredCategories, type EntrustingPerson, type SignatoryRole } from './consent.ts'
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
  entrustingPerson: EntrustingPerson | null
  vocabulary: Vocabulary
}

/** True when the youth is younger than `guardianAge` on the Berlin calendar day of `at`. */
export function needsGuardian(birthDate: CalendarDate, at: Date, guardianAge: number): boolean {
  return ageOn(birthDate, berlinDateOf(at)) < guardianAge
}

/** True when a § 65 SGB VIII category leaves a Jugendamt under this consent. */
export function carriesSection65Data(
  input: Pick<
    SignatoryInput,
    'senders' | 'senderKinds' | 'categories' | 'deselectedCategories' | 'vocabulary'
  >,
): boolean {
  const fromJugendamt = input.senders.some((s) => input.senderKinds.get(s) === 'jugendamt')
  if (!fromJugendamt) return false
  return coveredCategories(input).some((c) => input.vocabulary.categories[c]?.section65 === true)
}

/**
 * Who must sign (DESIGN.md §3.1): the youth always; a guardian when the youth is under
 * `guardianAge` at signing; the person who entrusted § 65 SGB VIII data to the Jugendamt when
 * such data leaves it and that person is not the youth.
 */
export function requiredSignatories(input: SignatoryInput): SignatoryRole[] {
  const roles: SignatoryRole[] = ['youth']
  if (needsGuardian(input.birthDate, input.at, input.guardianAge)) roles.push('guardian')
  if (carriesSection65Data(input) && input.entrustingPerson?.isYouth === false)
    roles.push('entrusting_person')
  return roles
}
