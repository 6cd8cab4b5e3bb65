import { z } from 'zod'

/**
 * Calendar dates and ages in Europe/Berlin (docs/design.md §3.1): a consent is valid from 00:00 of
 * `validFrom` through the end of `validUntil` there; ages are computed in the same zone.
 */
export const timeZone = 'Europe/Berlin'

/** An ISO calendar date `YYYY-MM-DD` that exists (no 2026-02-30). */
export const calendarDateSchema = z.iso.date()
export type CalendarDate = string

const dateParts = new Intl.DateTimeFormat('en-CA', {
  timeZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

function berlinWallClock(at: Date): number {
  const parts = Object.fromEntries(dateParts.formatToParts(at).map((p) => [p.type, p.value]))
  return Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  )
}

/** The Berlin calendar date of an instant. */
export function berlinDateOf(at: Date): CalendarDate {
  return new Date(berlinWallClock(at)).toISOString().slice(0, 10)
}

/**
 * A memo of {@link computeStartOfBerlinDay}, which costs two `Intl` calls (~25 µs) where a hit
 * costs under 1 µs; the decision path asks for the same few dates over and over (`decide` and
 * `consentStatus` on every transfer and every consent read). It may stay module-level although
 * nothing else here does: it memoises a pure function of the date (the zone rules are fixed for
 * the process), so no caller can tell it is there, and it is bounded (cleared at 10,000 dates).
 */
const dayStarts = new Map<CalendarDate, number>()

/**
 * The instant 00:00 of a Berlin calendar date — the one conversion of a calendar day into an
 * instant (validity windows, ages, the DPO log's date filter). Midnight never falls in a DST gap
 * in Berlin: the clocks change at 01:00 UTC, i.e. 02:00 or 03:00 local time.
 */
export function startOfBerlinDay(date: CalendarDate): Date {
  let start = dayStarts.get(date)
  if (start === undefined) {
    start = computeStartOfBerlinDay(date)
    if (dayStarts.size >= 10_000) dayStarts.clear()
    dayStarts.set(date, start)
  }
  return new Date(start)
}

function computeStartOfBerlinDay(date: CalendarDate): number {
  const utcMidnight = Date.parse(`${date}T00:00:00.000Z`)
  let guess = utcMidnight
  // Two rounds settle the offset (it can differ between UTC midnight and Berlin midnight).
  for (let round = 0; round < 2; round++) {
    const offset = berlinWallClock(new Date(guess)) - guess
    guess = utcMidnight - offset
  }
  return guess
}

/** Adds days to a calendar date. */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(`${date}T00:00:00.000Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** Adds calendar months; a day missing in the target month becomes its last day (§ 188 Abs. 3 BGB). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(y, m - 1 + months, 1))
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate()
  target.setUTCDate(Math.min(d, lastDay))
  return target.toISOString().slice(0, 10)
}

/**
 * Completed years of life on a calendar date. The birthday itself counts (§ 187 Abs. 2 BGB): a
 * person born on 2008-03-15 is 18 from 2026-03-15; one born on 29 February from 1 March.
 */
export function ageOn(birthDate: CalendarDate, on: CalendarDate): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number]
  const [y, m, d] = on.split('-').map(Number) as [number, number, number]
  const hadBirthday = m > bm || (m === bm && d >= bd)
  return y - by - (hadBirthday ? 0 : 1)
}

/** The validity window as instants: [start of validFrom, start of the day after validUntil). */
export function validityWindow(
  validFrom: CalendarDate,
  validUntil: CalendarDate,
): { start: Date; end: Date } {
  return { start: startOfBerlinDay(validFrom), end: startOfBerlinDay(addDays(validUntil, 1)) }
}
