import { addMonths } from '../../consent/calendar.ts'
import { isSpecialCategory, localized, type Vocabulary } from '../../consent/vocabulary.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

/** Thresholds above which a choice is "broad" and must be talked through before signing. */
export const broadChoiceLimits = { categories: 5, recipients: 2, validityMonths: 6 } as const

export type BroadChoiceWarning =
  | { code: 'many_categories'; count: number }
  | { code: 'special_categories'; categories: string[] }
  | { code: 'long_validity'; months: number }
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
  if (input.validUntil >= addMonths(input.validFrom, broadChoiceLimits.validityMonths)) {
    const [fy, fm] = input.validFrom.split('-').map(Number) as [number, number]
    const [uy, um] = input.validUntil.split('-').map(Number) as [number, number]
    warnings.push({ code: 'long_validity', months: (uy - fy) * 12 + (um - fm) })
  }
  if (input.recipients.length > broadChoiceLimits.recipients)
    warnings.push({ code: 'many_recipients', count: input.recipients.length })
  return warnings
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
        `Lange Gültigkeit (etwa ${warning.months} Monate): Wählen Sie die kürzeste Dauer, die für den Zweck reicht.`,
        `Long validity (about ${warning.months} months): choose the shortest period that serves the purpose.`,
      )
    case 'many_recipients':
      return say(
        language,
        `Viele Empfänger (${warning.count}): Nennen Sie nur die Stellen, die die Daten wirklich brauchen.`,
        `Many recipients (${warning.count}): name only the agencies that really need the data.`,
      )
  }
}
