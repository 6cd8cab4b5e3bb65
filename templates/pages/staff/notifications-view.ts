import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime, formatCalendarDate } from '../view-models/format-berlin-time.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'

/** One notification as the centre shows it (a view model: no gateway or row types). */
export interface NotificationRow {
  kind:
    | 'signed'
    | 'declined'
    | 'revoked'
    | 'lapsed'
    | 'lapsing_soon'
    | 'delivered'
    | 'failed'
    | 'received'
  at: string
  unread: boolean
  /** The person the consent names, when this agency holds it. */
  person: string | null
  /** The other agency's name (a transfer's recipient, an item's sender). */
  otherAgency: string | null
  validUntil: string | null
  itemKind: string | null
  /** Where the notification leads. */
  href: string | null
}

export interface NotificationsViewInput {
  language: StaffLanguage
  items: readonly NotificationRow[]
  unread: number
  /** The newest sequence number shown, posted back by "mark as read". */
  upTo: number
  csrfToken: string
  lapsingDays: number
  /** The e-mail notice: null when the operator has not turned it on. */
  notice: { email: string | null } | null
  message?: string
  error?: string
}

/** What happened, as a heading of one notification. */
export function notificationTitle(
  row: Pick<NotificationRow, 'kind' | 'itemKind'>,
  lang: StaffLanguage,
): string {
  switch (row.kind) {
    case 'signed':
      return say(lang, 'Einwilligung unterschrieben', 'Consent signed')
    case 'declined':
      return say(lang, 'Einwilligung abgelehnt', 'Consent declined')
    case 'revoked':
      return say(lang, 'Einwilligung widerrufen', 'Consent revoked')
    case 'lapsed':
      return say(lang, 'Einwilligung erloschen (nicht bestätigt)', 'Consent lapsed (not confirmed)')
    case 'lapsing_soon':
      return say(lang, 'Einwilligung läuft bald ab', 'Consent ends soon')
    case 'delivered':
      return say(lang, 'Übermittlung zugestellt', 'Transfer delivered')
    case 'failed':
      return say(lang, 'Übermittlung fehlgeschlagen', 'Transfer failed')
    case 'received':
      return row.itemKind === 'case_summary'
        ? say(lang, 'Übermittlung eingegangen', 'Transfer received')
        : say(lang, 'Mitteilung eingegangen', 'Notice received')
  }
}

function detail(row: NotificationRow, lang: StaffLanguage): string {
  const parts: string[] = []
  if (row.person) parts.push(row.person)
  if (row.kind === 'lapsing_soon' && row.validUntil)
    parts.push(
      say(
        lang,
        `gültig bis ${formatCalendarDate(row.validUntil)}`,
        `valid until ${formatCalendarDate(row.validUntil)}`,
      ),
    )
  if (row.otherAgency)
    parts.push(
      row.kind === 'received'
        ? say(lang, `von ${row.otherAgency}`, `from ${row.otherAgency}`)
        : say(lang, `an ${row.otherAgency}`, `to ${row.otherAgency}`),
    )
  return parts.join(' · ')
}

/**
 * The notification centre (issue 18 point 4): what happened to the agency's consents, transfers
 * and inbox, newest first, unread ones marked; "mark as read"; the optional e-mail notice.
 */
export function notificationsView(input: NotificationsViewInput): SafeHtml {
  const { language: lang } = input
  return html`<section class="card" data-notifications>
      <h1>${say(lang, 'Benachrichtigungen', 'Notifications')}</h1>
      ${input.message ? html`<p class="notice" role="status">${input.message}</p>` : ''}
      ${input.error ? html`<p class="alert error-box" role="alert">${input.error}</p>` : ''}
      <p class="muted">
        ${say(
          lang,
          `Was mit den Einwilligungen, Übermittlungen und dem Posteingang Ihrer Stelle geschehen ist (letzte 30 Tage), und Einwilligungen, die in den nächsten ${String(input.lapsingDays)} Tagen ablaufen. Die Seite aktualisiert sich selbst.`,
          `What happened to your agency's consents, transfers and inbox (last 30 days), and consents ending within the next ${String(input.lapsingDays)} days. The page updates itself.`,
        )}
      </p>
      <p data-notifications-fresh hidden>
        ${say(lang, 'Es gibt Neuigkeiten.', 'There is news.')}
        <a href="/staff/notifications">${say(lang, 'Liste neu laden', 'Reload the list')}</a>
      </p>
      ${
        input.items.length === 0
          ? html`<p data-notifications-empty>
              ${say(lang, 'Keine Benachrichtigungen.', 'No notifications.')}
            </p>`
          : html`<ul class="notification-list">
              ${input.items.map(
                (row) =>
                  html`<li
                    class="notification${row.unread ? ' unread' : ''}"
                    data-notification="${row.kind}"
                  >
                    ${
                      row.unread
                        ? html`<span class="badge status-active">${say(lang, 'neu', 'new')}</span> `
                        : ''
                    }<strong
                      >${
                        row.href
                          ? html`<a href="${row.href}">${notificationTitle(row, lang)}</a>`
                          : notificationTitle(row, lang)
                      }</strong
                    >
                    ${
                      // Lapsing soon is a state, not an event: its date is in the detail line.
                      row.kind === 'lapsing_soon'
                        ? ''
                        : html`<span class="muted">${formatBerlinTime(row.at)}</span>`
                    }
                    ${detail(row, lang) ? html`<br />${detail(row, lang)}` : ''}
                  </li>`,
              )}
            </ul>`
      }
      ${
        input.unread > 0
          ? html`<form method="post" action="/staff/notifications/read">
              <input type="hidden" name="_csrf" value="${input.csrfToken}" />
              <input type="hidden" name="upTo" value="${String(input.upTo)}" />
              <button type="submit">
                ${say(lang, 'Alle als gelesen markieren', 'Mark all as read')}
              </button>
            </form>`
          : ''
      }
    </section>
    ${
      input.notice
        ? html`<section class="card">
            <h2>${say(lang, 'Hinweis per E-Mail', 'Notice by e-mail')}</h2>
            <p>
              ${say(
                lang,
                'Auf Wunsch schickt Brücke Ihnen eine kurze E-Mail, wenn es Neuigkeiten gibt: höchstens alle 15 Minuten, ohne Namen, Kategorien oder andere Angaben zu Personen – nur „Es gibt Neuigkeiten in Brücke“ und den Link hierher.',
                'On request Brücke sends you a short e-mail when there is news: at most every 15 minutes, without names, categories or anything else about a person – only "There is news in Brücke" and the link here.',
              )}
            </p>
            <form method="post" action="/staff/notifications/email">
              <input type="hidden" name="_csrf" value="${input.csrfToken}" />
              <label for="notice-email"
                >${say(lang, 'Ihre dienstliche E-Mail-Adresse', 'Your work e-mail address')}</label
              >
              <input
                id="notice-email"
                name="email"
                type="email"
                autocomplete="email"
                value="${input.notice.email ?? ''}"
                aria-describedby="notice-email-hint"
              />
              <p id="notice-email-hint" class="muted">
                ${say(lang, 'Leer lassen und speichern schaltet den Hinweis ab.', 'Leave empty and save to turn the notice off.')}
              </p>
              <button type="submit">${say(lang, 'Speichern', 'Save')}</button>
            </form>
          </section>`
        : ''
    }`
}
