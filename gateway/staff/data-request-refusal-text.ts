import type {
  DataRequestRefusalCode,
  DataRequestRefusalDetails,
} from '../../consent/data-request-rule.ts'
import { localized, type Vocabulary } from '../../consent/vocabulary.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

/** Labels of known terms; an unknown term is shown as it was typed. */
function labels(
  terms: readonly string[],
  of: Vocabulary['purposes'] | Vocabulary['categories'],
  language: StaffLanguage,
): string {
  return terms
    .map((t) => {
      const term = Object.hasOwn(of, t) ? of[t] : undefined
      const label = term ? localized(term.label, language) : t
      return say(language, `„${label}“`, `"${label}"`)
    })
    .join(', ')
}

/**
 * One plain sentence per refusal of a data request (consent/data-request-rule.ts): what is wrong
 * and what to do, so staff fix the form instead of guessing. Names only vocabulary terms.
 */
export function explainDataRequestRefusal(
  code: DataRequestRefusalCode,
  language: StaffLanguage,
  vocabulary: Vocabulary,
  details: DataRequestRefusalDetails = {},
): string {
  const purpose = details.purpose ? labels([details.purpose], vocabulary.purposes, language) : ''
  const categories = labels(details.categories ?? [], vocabulary.categories, language)
  switch (code) {
    case 'ERR_REQUEST_UNKNOWN_PURPOSE':
      return say(
        language,
        `Den Zweck ${purpose} kennt Brücke nicht. Wählen Sie einen Zweck aus der Liste.`,
        `Brücke does not know the purpose ${purpose}. Choose a purpose from the list.`,
      )
    case 'ERR_REQUEST_UNKNOWN_CATEGORY':
      return say(
        language,
        `Diese Kategorien kennt Brücke nicht: ${categories}. Wählen Sie Kategorien aus der Liste.`,
        `Brücke does not know these categories: ${categories}. Choose categories from the list.`,
      )
    case 'ERR_REQUEST_SELF':
      return say(
        language,
        'Ihre eigene Stelle können Sie nicht anfragen. Wählen Sie die Partnerstelle, die die Daten hat.',
        'You cannot ask your own agency. Choose the partner agency that holds the data.',
      )
    case 'ERR_REQUEST_UNKNOWN_AGENCY':
      return say(
        language,
        'Die angefragte Stelle ist in Brücke nicht eingetragen.',
        'The agency asked is not registered in Brücke.',
      )
    case 'ERR_REQUEST_CONSENT_NOT_FOUND':
      return say(
        language,
        'Diese Einwilligung ist Ihrer Stelle nicht bekannt.',
        'Your agency is no party to this consent.',
      )
    case 'ERR_REQUEST_NOT_RECIPIENT':
      return say(
        language,
        'Nach dieser Einwilligung darf Ihre Stelle keine Daten empfangen: Sie ist dort nicht Empfängerin, oder die Person hat sie abgewählt.',
        'Your agency may not receive data under this consent: it is not a recipient, or the person deselected it.',
      )
    case 'ERR_REQUEST_NOT_PARTY':
      return say(
        language,
        'Die angefragte Stelle ist an dieser Einwilligung nicht beteiligt. Fragen Sie eine Stelle, die nach der Einwilligung Daten senden darf.',
        'The agency asked is no party to this consent. Ask an agency that may send data under it.',
      )
    case 'ERR_REQUEST_NOT_SENDER':
      return say(
        language,
        'Die angefragte Stelle darf nach dieser Einwilligung keine Daten senden, sie ist dort nur Empfängerin. Fragen Sie eine absendende Stelle.',
        'The agency asked may not send data under this consent; it is only a recipient. Ask a sending agency.',
      )
    case 'ERR_REQUEST_CONSENT_NOT_ACTIVE':
      return say(
        language,
        'Die Einwilligung gilt nicht (mehr): Sie ist noch nicht unterschrieben, widerrufen, abgelaufen oder schon verbraucht.',
        'The consent is not in force: it is not yet signed, revoked, expired or already used.',
      )
    case 'ERR_REQUEST_NOT_COVERED': {
      const what = [
        purpose ? say(language, `den Zweck ${purpose}`, `the purpose ${purpose}`) : '',
        details.categories?.length
          ? say(language, `die Kategorien ${categories}`, `the categories ${categories}`)
          : '',
      ]
        .filter(Boolean)
        .join(say(language, ' und ', ' and '))
      return say(
        language,
        `Die Einwilligung deckt ${what} nicht (nicht enthalten oder von der Person abgewählt). Entfernen Sie das aus der Anfrage.`,
        `The consent does not cover ${what} (not included, or deselected by the person). Remove it from the request.`,
      )
    }
  }
}
