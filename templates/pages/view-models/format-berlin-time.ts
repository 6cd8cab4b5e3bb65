/*
 * Calendar dates and clock times as staff, DPO and administration pages show them (issue 18
 * point 6): Europe/Berlin wall-clock time (docs/design.md §3.1), ONE date format `DD.MM.YYYY` and
 * ONE time format `HH:MM`, whatever the page language; every stored instant stays UTC. Every page
 * that renders a date or a time uses these helpers (templates/assets/staff.js mirrors them for the
 * rows it builds in the browser).
 */

const zone = 'Europe/Berlin'

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: zone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

function berlinParts(at: Date | string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of parts.formatToParts(typeof at === 'string' ? new Date(at) : at))
    out[p.type] = p.value
  return out
}

/** The Berlin calendar date of an instant, e.g. "01.03.2026". */
export function formatBerlinDate(at: Date | string): string {
  const p = berlinParts(at)
  return `${p.day}.${p.month}.${p.year}`
}

/** The Berlin clock time of an instant, e.g. "10:15". */
export function formatBerlinClock(at: Date | string): string {
  const p = berlinParts(at)
  return `${p.hour}:${p.minute}`
}

/** An instant as Berlin date and time, e.g. "01.03.2026, 10:15". */
export function formatBerlinTime(at: Date | string): string {
  return `${formatBerlinDate(at)}, ${formatBerlinClock(at)}`
}

/** A calendar date (`YYYY-MM-DD`, no zone) in the one date format, e.g. "31.03.2026". */
export function formatCalendarDate(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-')
  return `${d}.${m}.${y}`
}
