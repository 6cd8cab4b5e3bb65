/*
 * Calendar dates and clock times as a German reader reads them: Europe/Berlin (docs/design.md §3.1),
 * while every stored instant stays UTC.
 */

const zone = 'Europe/Berlin'

const displayFormat = new Intl.DateTimeFormat('de-DE', {
  timeZone: zone,
  dateStyle: 'medium',
  timeStyle: 'medium',
})
const dateFormat = new Intl.DateTimeFormat('de-DE', { timeZone: zone, dateStyle: 'medium' })

/** An instant as Berlin wall-clock time, e.g. "01.03.2026, 10:15:00". */
export function formatBerlinTime(at: Date | string): string {
  return displayFormat.format(typeof at === 'string' ? new Date(at) : at)
}

/** A calendar date (`YYYY-MM-DD`) in German notation, e.g. "31.03.2026". */
export function formatCalendarDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return dateFormat.format(new Date(Date.UTC(y, m - 1, d, 12)))
}
