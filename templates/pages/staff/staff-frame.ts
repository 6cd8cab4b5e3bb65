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
  /**
   * What the agency's inbox holds that staff must take note of: revocation and lapse notices not
   * yet acknowledged, and received items whose further use must stop (issue 16 point 6). Shown as
   * a banner on every staff page until acknowledged.
   */
  inboxAttention?: { unacknowledgedNotices: number; stoppedItems: number }
  /** Unread notifications of the centre (issue 18 point 4), shown on its entry and kept live. */
  unreadNotifications?: number
  /** Path to return to after switching the language (a /staff path). */
  here: string
  body: SafeHtml
  /** Extra page scripts besides the shared one. */
  scripts?: string[]
}

export type StaffNavEntry =
  'overview' | 'prepare' | 'requests' | 'inbox' | 'people' | 'notifications' | 'none'

const navEntries = [
  { id: 'overview', href: '/staff', de: 'Übersicht', en: 'Overview' },
  {
    id: 'prepare',
    href: '/staff/consents/new',
    de: 'Einwilligung vorbereiten',
    en: 'Prepare consent',
  },
  { id: 'requests', href: '/staff/requests', de: 'Anfragen', en: 'Requests' },
  { id: 'inbox', href: '/staff/inbox', de: 'Posteingang', en: 'Inbox' },
  {
    id: 'notifications',
    href: '/staff/notifications',
    de: 'Benachrichtigungen',
    en: 'Notifications',
  },
] as const

/**
 * The unread count on the notification entry. Always present (hidden at 0) so the page's script
 * can update it when the short poll of `GET /api/v1/notifications/summary` finds news.
 */
function unreadBadge(input: StaffFrameInput): SafeHtml {
  const unread = input.unreadNotifications ?? 0
  const de = input.language === 'de'
  return html` <span
    class="badge status-active"
    data-notifications-unread
    data-label="${de ? 'neu' : 'new'}"
    ${unread === 0 ? html`hidden` : ''}
    >${String(unread)} ${de ? 'neu' : 'new'}</span
  >`
}

/** The banner while notices or stopped items wait for someone to take note (issue 16 point 6). */
function inboxBanner(input: StaffFrameInput): SafeHtml | '' {
  const attention = input.inboxAttention
  if (!attention || (attention.unacknowledgedNotices === 0 && attention.stoppedItems === 0))
    return ''
  const de = input.language === 'de'
  const parts: string[] = []
  if (attention.unacknowledgedNotices > 0)
    parts.push(
      de
        ? `${attention.unacknowledgedNotices} Mitteilung(en) über widerrufene oder erloschene Einwilligungen`
        : `${attention.unacknowledgedNotices} notice(s) of revoked or lapsed consents`,
    )
  if (attention.stoppedItems > 0)
    parts.push(
      de
        ? `${attention.stoppedItems} empfangene Übermittlung(en), deren weitere Verwendung beendet werden muss`
        : `${attention.stoppedItems} received transfer(s) whose further use must stop`,
    )
  return html`<div class="alert error-box banner" role="alert" data-inbox-banner>
    <strong>${de ? 'Posteingang' : 'Inbox'}:</strong>
    ${parts.join(de ? ' und ' : ' and ')}
    ${de ? '– bitte öffnen und zur Kenntnis nehmen.' : '– please open and acknowledge.'}
    <a href="/staff/inbox">${de ? 'Zum Posteingang' : 'Go to the inbox'}</a>
  </div>`
}

const inboxOpen = (input: StaffFrameInput): number =>
  (input.inboxAttention?.unacknowledgedNotices ?? 0) + (input.inboxAttention?.stoppedItems ?? 0)

/** The search box for a young person (issue 18 point 1), on every staff page. */
function personSearchBox(input: StaffFrameInput): SafeHtml {
  const de = input.language === 'de'
  return html`<form
    method="post"
    action="/staff/people"
    role="search"
    class="nav-search"
    aria-label="${de ? 'Person suchen' : 'Find a person'}"
  >
    <input type="hidden" name="_csrf" value="${input.who.csrfToken}" />
    <label for="nav-person-q">${de ? 'Person' : 'Person'}</label>
    <input
      type="search"
      id="nav-person-q"
      name="q"
      maxlength="200"
      autocomplete="off"
      placeholder="${de ? 'Name, Geb.-Datum, Az.' : 'Name, birth date, ref.'}"
    />
    <button type="submit" class="secondary">${de ? 'Suchen' : 'Search'}</button>
  </form>`
}

/** The staff workplace frame: navigation, language switch, shared styles and script. */
export function staffFrame(input: StaffFrameInput): string {
  const { language } = input
  const other: StaffLanguage = language === 'de' ? 'en' : 'de'
  return layout({
    title: input.title,
    lang: language,
    who: input.who,
    styles: ['/assets/staff.css'],
    scripts: ['/assets/staff.js', '/assets/staff-live.js', ...(input.scripts ?? [])],
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
                  }${entry.id === 'notifications' ? unreadBadge(input) : ''}${
                    entry.id === 'inbox' && inboxOpen(input) > 0
                      ? html` <span class="badge status-revoked" data-inbox-open
                          >${String(inboxOpen(input))}</span
                        >`
                      : ''
                  }</a
                >
              </li>`,
          )}
        </ul>
        ${personSearchBox(input)}
        <form method="post" action="/staff/language" class="language-switch">
          <input type="hidden" name="_csrf" value="${input.who.csrfToken}" />
          <input type="hidden" name="language" value="${other}" />
          <input type="hidden" name="back" value="${input.here}" />
          <button type="submit" class="link-button" lang="${other}">
            ${other === 'en' ? 'English' : 'Deutsch'}
          </button>
        </form>
      </nav>
      <p
        class="visually-hidden"
        role="status"
        data-notifications-live
        data-text="${language === 'de' ? 'Neue Benachrichtigungen' : 'New notifications'}"
      ></p>
      ${inboxBanner(input)} ${input.body}`,
  })
}
