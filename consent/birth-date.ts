import { ageOn, type CalendarDate } from './calendar.ts'

/**
 * The ages (completed years on the day of drafting, Europe/Berlin) a young person may have.
 * Brücke serves 15- to 25-year-olds; the bounds leave room around that and catch typing slips:
 * - at most 27: the oldest anyone is served under the three codes is 26 (SGB VIII counts a
 *   "junger Volljähriger" up to 27, § 7 Abs. 1 Nr. 3, § 41; SGB II U25 and SGB III end earlier),
 *   plus one year for a case that ends just after a birthday;
 * - at least 10: careers guidance starts in school around 13 and youth welfare may bring a
 *   younger sibling's case along; a birth date under 10 years ago is almost always the current
 *   year typed for the birth year.
 * The age bounds refuse any date before 1900 and any date in the future as well.
 */
export const subjectAgeBounds = { min: 10, max: 27 } as const

/** Whether a subject born on `birthDate` may be the young person of a consent drafted `today`. */
export function isPlausibleBirthDate(birthDate: CalendarDate, today: CalendarDate): boolean {
  // A date in the future gives a negative age, one before 1900 an age over 100: both outside.
  const age = ageOn(birthDate, today)
  return age >= subjectAgeBounds.min && age <= subjectAgeBounds.max
}
