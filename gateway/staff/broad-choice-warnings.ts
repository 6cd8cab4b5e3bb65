import { addDays, addMonths } from '../../consent/calendar.ts'
import { isSpecialCategory, localized, type Vocabulary } from '../../consent/vocabulary.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

/** Thresholds above which a choice is "broad" and must be talked through before signing. */
export const broadChoiceLimits = { categories: 5, recipients: 2, validityMonths: 6 } as const

export type BroadChoiceWarning =
  | { code: 'many_categories'; count: number }
  | { code: 'special_categories'; categories: string[] }
  | { code: 'long_validity'; months: number; days: number }
  | { code: 'many_recipients'; count: number }

/**
 * Warnings for a consent whose scope is broad. A general release is not effective; a consent
 * must be specific and the person must understand it (docs/design.md §3.1, Art. 9 GDPR for special
 * categories), so broad choices are pointed out to staff before the person signs.
 */
export function broadChoiceWarnings(input: {
  categories: readonly string[]
  recipients: readonly string[]
  validFrom: string
  validUntil: string
  vocabulary: Vocabulary
}): BroadChoiceWarning[] {
  const warnings: BroadChoiceWarning[] = []
  if (input.categories.length > broadChoiceLimits.categories)
    warnings.push({ code: 'many_categories', count: input.categories.length })
  const special = input.categories.filter((c) => isSpecialCategory(input.vocabulary, c))
  if (special.length > 0) warnings.push({ code: 'special_categories', categories: special })
  if (input.validUntil >= addMonths(input.validFrom, broadChoiceLimits.validityMonths))
    warnings.push({ code: 'long_validity', ...validityDuration(input.validFrom, input.validUntil) })
  if (input.recipients.length > broadChoiceLimits.recipients)
    warnings.push({ code: 'many_recipients', count: input.recipients.length })
  return warnings
}

/** The form field a warning is about, so the form shows it there. */
export type BroadChoiceField = 'categories' | 'recipients' | 'validity'

export function fieldOfWarning(warning: BroadChoiceWarning): BroadChoiceField {
  switch (warning.code) {
    case 'many_categories':
    case 'special_categories':
      return 'categories'
    case 'many_recipients':
      return 'recipients'
    case 'long_validity':
      return 'validity'
  }
}

/**
 * The last day of the longest validity that draws no warning: six calendar months from
 * `validFrom`, that day included (the form's default, so it never warns against itself).
 */
export function longestUnwarnedValidUntil(validFrom: string): string {
  return addDays(addMonths(validFrom, broadChoiceLimits.validityMonths), -1)
}

/**
 * How long a validity from `validFrom` through `validUntil` (both days included) is, in whole
 * calendar months and the days left over: 2026-03-02 – 2026-10-01 is 7 months, 0 days.
 */
export function validityDuration(
  validFrom: string,
  validUntil: string,
): { months: number; days: number } {
  const end = addDays(validUntil, 1)
  let months = 0
  while (addMonths(validFrom, months + 1) <= end) months++
  const start = addMonths(validFrom, months)
  let days = 0
  while (addDays(start, days) < end) days++
  return { months, days }
}

/** "7 Monate", "1 Monat und 12 Tage", "20 Tage" — exact, never "etwa". */
export function describeDuration(
  duration: { months: number; days: number },
  language: StaffLanguage,
): string {
  const parts: string[] = []
  if (duration.months > 0)
    parts.push(
      say(
        language,
        `${duration.months} ${duration.months === 1 ? 'Monat' : 'Monate'}`,
        `${duration.months} ${duration.months === 1 ? 'month' : 'months'}`,
      ),
    )
  if (duration.days > 0 || parts.length === 0)
    parts.push(
      say(
        language,
        `${duration.days} ${duration.days === 1 ? 'Tag' : 'Tage'}`,
        `${duration.days} ${duration.days === 1 ? 'day' : 'days'}`,
      ),
    )
  return parts.join(say(language, ' und ', ' and '))
}

export function describeWarning(
  warning: BroadChoiceWarning,
  language: StaffLanguage,
  vocabulary: Vocabulary,
): string {
  switch (warning.code) {
    case 'many_categories':
      return say(
        language,
        `Viele Datenkategorien (${warning.count}): Ist wirklich jede davon für den Zweck nötig? Eine zu weit gefasste Einwilligung ist nicht wirksam.`,
        `Many data categories (${warning.count}): is each of them really needed for the purpose? A consent that is too broad is not effective.`,
      )
    case 'special_categories': {
      const labels = warning.categories
        .map((c) => {
          const term = vocabulary.categories[c]
          return term ? localized(term.label, language) : c
        })
        .join(', ')
      return say(
        language,
        `Besondere Kategorien (${labels}, Art. 9/10 DSGVO): Besprechen Sie diese ausdrücklich; die Person wählt sie am Kiosk selbst aus, sie sind nicht vorausgewählt.`,
        `Special categories (${labels}, Art. 9/10 GDPR): talk them through explicitly; the person chooses them at the kiosk, they are not preselected.`,
      )
    }
    case 'long_validity':
      return say(
        language,
        `Lange Gültigkeit (${describeDuration(warning, 'de')}, länger als ${broadChoiceLimits.validityMonths} Monate): Wählen Sie die kürzeste Dauer, die für den Zweck reicht.`,
        `Long validity (${describeDuration(warning, 'en')}, longer than ${broadChoiceLimits.validityMonths} months): choose the shortest period that serves the purpose.`,
      )
    case 'many_recipients':
      return say(
        language,
        `Viele Empfänger (${warning.count}): Nennen Sie nur die Stellen, die die Daten wirklich brauchen.`,
        `Many recipients (${warning.count}): name only the agencies that really need the data.`,
      )
  }
}
