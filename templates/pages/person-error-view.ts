import { html } from './html.ts'
import { directionOf, fillHtml, htmlLangOf, say, stringsFor } from './i18n/person-language.ts'
import { layout } from './layout.ts'

/** The errors a page of the person's side can answer with. */
export type PersonErrorKind =
  'stale' | 'forbidden' | 'notFound' | 'tooMany' | 'failed' | 'internal' | 'badAddress'

const titles = {
  stale: 'errorPageStaleTitle',
  forbidden: 'errorPageForbiddenTitle',
  notFound: 'errorPageNotFoundTitle',
  tooMany: 'errorPageTooManyTitle',
  failed: 'errorPageFailedTitle',
  internal: 'errorPageInternalTitle',
  badAddress: 'errorPageBadAddressTitle',
} as const

const texts = {
  stale: 'errorPageStaleText',
  forbidden: 'errorPageForbiddenText',
  notFound: 'errorPageNotFoundText',
  tooMany: 'errorPageTooManyText',
  failed: 'errorPageFailedText',
  internal: 'errorPageInternalText',
  badAddress: 'errorPageBadAddressText',
} as const

/**
 * An error page of the kiosk or `/me` in the person's language: `lang` and `dir` on `<html>`,
 * right to left in Arabic and Farsi, a way back to the start of that side (`home`) rather than
 * to the staff login. The request id of an internal error stays left to right inside the text.
 */
export function personErrorPage(input: {
  language: string
  kind: PersonErrorKind
  home: '/kiosk' | '/me'
  requestId?: string
}): string {
  const { language } = input
  const title = say(language, titles[input.kind])
  return layout({
    title,
    lang: htmlLangOf(language),
    dir: directionOf(language),
    skipLinkText: say(language, 'skipToContent'),
    styles: ['/assets/kiosk.css'],
    bodyClass: input.home === '/kiosk' ? 'kiosk' : 'self-service',
    body: html`<section class="card person-error">
      <h1>${title}</h1>
      <p>${fillHtml(stringsFor(language)[texts[input.kind]], { id: input.requestId ?? '' })}</p>
      <p><a href="${input.home}">${say(language, 'errorPageHome')}</a></p>
    </section>`,
  })
}
