/*
 * Calendar dates as instants in Europe/Berlin (DESIGN.md §3.1), while every stored instant stays
 * UTC. Showing them is the views' part (templates/pages/view-models/format-berlin-time.ts).
 */

const zone = 'Europe/Berlin'

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: zone,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
})

/** Minutes Berlin is ahead of UTC at the instant (60 or 120). */
function berlinOffsetMinutes(at: Date): number {
  const parts = Object.fromEntries(partsFormat.formatToParts(at).map((p) => [p.type, p.value]))
  const wallClockAsUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
  return Math.round((wallClockAsUtc - at.getTime()) / 60_000)
}

/**
 * The UTC instant of 00:00 in Berlin on `date` (`YYYY-MM-DD`), `dayOffset` days later. Midnight
 * never falls into a DST gap in Germany (switches happen at 02:00/03:00), so it always exists.
 */
export function berlinMidnight(date: string, dayOffset = 0): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const wall = Date.UTC(y, m - 1, d + dayOffset)
  // The offset at the guess can differ from the one at the result only across a DST switch;
  // asking twice settles it.
  const first = new Date(wall - berlinOffsetMinutes(new Date(wall)) * 60_000)
  return new Date(wall - berlinOffsetMinutes(first) * 60_000)
}
