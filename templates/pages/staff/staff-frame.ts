import { html, type SafeHtml } from '../html.ts'
import { layout } from '../layout.ts'
import type { StaffLanguage } from '../view-models/staff-language.ts'

export interface StaffFrameInput {
  language: StaffLanguage
  title: string
  who: { name: string; role: string; csrfToken: string }
  /** Which navigation entry is current. */
  current: StaffNavEntry
  /** Open requests from partner agencies, shown on the inbox entry. */
  openRequests?: number
  /** Path to return to after switching the language (a /staff path). */
  here: string
  body: SafeHtml
  /** Extra page scripts besides the shared one. */
  scripts?: string[]
}

export type StaffNavEntry = 'overview' | 'prepare' | 'requests' | 'none'

const navEntries = [
  { id: 'overview', href: '/staff', de: 'Übersicht', en: 'Overview' },
  {
    id: 'prepare',
    href: '/staff/consents/new',
    de: 'Einwilligung vorbereiten',
    en: 'Prepare consent',
  },
  { id: 'requests', href: '/staff/requests', de: 'Anfragen', en: 'Requests' },
] as const

/** The staff workplace frame: navigation, language switch, shared styles and script. */
export function staffFrame(input: StaffFrameInput): string {
  const { language } = input
  const other: StaffLanguage = language === 'de' ? 'en' : 'de'
  return layout({
    title: input.title,
    lang: language,
    who: input.who,
    styles: ['/assets/staff.css'],
    scripts: ['/assets/staff.js', ...(input.scripts ?? [])],
    bodyClass: 'staff',
    body: html`<nav
        class="staff-nav"
        aria-label="${language === 'de' ? 'Arbeitsplatz' : 'Workplace'}"
      >
        <ul>
          ${navEntries.map(
            (entry) =>
              html`<li>
                <a
                  href="${entry.href}"
                  ${input.current === entry.id ? html`aria-current="page"` : ''}
                  >${entry[language]}${
                    entry.id === 'requests' && (input.openRequests ?? 0) > 0
                      ? html` <span class="badge" data-open-requests
                          >${String(input.openRequests)}
                          ${language === 'de' ? 'offen' : 'open'}</span
                        >`
                      : ''
                  }</a
                >
              </li>`,
          )}
        </ul>
        <form method="post" action="/staff/language" class="language-switch">
          <input type="hidden" name="_csrf" value="${input.who.csrfToken}" />
          <input type="hidden" name="language" value="${other}" />
          <input type="hidden" name="back" value="${input.here}" />
          <button type="submit" class="link-button" lang="${other}">
            ${other === 'en' ? 'English' : 'Deutsch'}
          </button>
        </form>
      </nav>
      ${input.body}`,
  })
}
