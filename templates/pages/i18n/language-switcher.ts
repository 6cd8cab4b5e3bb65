import { html, type SafeHtml } from '../html.ts'
import { htmlLangOf, personCatalogues, personLanguages, stringsFor } from './person-language.ts'

/**
 * The language choice of the person's pages: every language named in itself. With a session's
 * CSRF token it posts (the kiosk stores the choice in its flow); without, it is a GET form back to
 * `action` with `lang`, for pages before or after a session (kiosk start, revoke, done; `/me`).
 */
export function languageSwitcher(input: {
  current: string
  action: string
  csrf?: string
}): SafeHtml {
  const strings = stringsFor(input.current)
  const legend = strings.language === 'Sprache' ? 'Sprache' : `${strings.language} / Sprache`
  const name = input.csrf === undefined ? 'lang' : 'language'
  return html`<form
    method="${input.csrf === undefined ? 'get' : 'post'}"
    action="${input.action}"
    class="languages no-print"
  >
    ${
      input.csrf === undefined
        ? ''
        : html`<input type="hidden" name="_csrf" value="${input.csrf}" />`
    }
    <fieldset>
      <legend>${legend}</legend>
      ${personLanguages.map(
        (code) =>
          html`<button
            type="submit"
            name="${name}"
            value="${code}"
            lang="${htmlLangOf(code)}"
            dir="auto"
            aria-pressed="${code === input.current ? 'true' : 'false'}"
            class="lang-button"
          >
            ${personCatalogues[code].languageName}
          </button>`,
      )}
    </fieldset>
  </form>`
}
