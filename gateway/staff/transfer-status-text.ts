import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'

/** The transfer statuses of docs/design.md §3.3 item 7, as staff read them. */
export function transferStatusTexts(language: StaffLanguage): Record<string, string> {
  return {
    queued: say(language, 'In Warteschlange', 'Queued'),
    retrying: say(language, 'Neuer Versuch geplant', 'Retrying'),
    delivered: say(language, 'Zugestellt', 'Delivered'),
    failed: say(language, 'Fehlgeschlagen', 'Failed'),
    // The status keeps its contract name; the cancellation may come from a revocation, a lapse
    // at majority or an expiry (the reasons stand beside it), so the label names none of them.
    cancelled_revoked: say(
      language,
      'Abgebrochen – Einwilligung deckt es nicht mehr',
      'Cancelled – the consent no longer covers it',
    ),
    cancelled: say(language, 'Von der Verwaltung abgebrochen', 'Cancelled by the administrator'),
    // Not sent again on its own: someone must check with the recipient (operator guide).
    handoff_uncertain: say(
      language,
      'Zustellung ungewiss – bitte beim Empfänger nachfragen',
      'Delivery uncertain – please check with the recipient',
    ),
  }
}
