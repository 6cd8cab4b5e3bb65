import { describe, expect, it } from 'vitest'
import {
  addDays,
  addMonths,
  ageOn,
  berlinDateOf,
  startOfBerlinDay,
  validityWindow,
} from '../../../consent/calendar.ts'

const hourMs = 3_600_000

/** The last Sunday of a month as `YYYY-MM-DD` (EU summer time: March to October, § 1 SZV). */
function lastSunday(year: number, month: number): string {
  const last = new Date(Date.UTC(year, month, 0))
  last.setUTCDate(last.getUTCDate() - last.getUTCDay())
  return last.toISOString().slice(0, 10)
}

/**
 * The start of a Berlin day by the rule itself, without Intl: summer time (UTC+2) runs from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October, so the
 * midnight of every day after the March switch up to and including the October switch day is
 * summer time (22:00 UTC the day before), every other midnight winter time (23:00 UTC).
 */
function startByRule(date: string): number {
  const year = Number(date.slice(0, 4))
  const summer = date > lastSunday(year, 3) && date <= lastSunday(year, 10)
  return Date.parse(`${date}T00:00:00.000Z`) - (summer ? 2 : 1) * hourMs
}

describe('Berlin calendar', () => {
  it('starts a winter day at 23:00 UTC and a summer day at 22:00 UTC the evening before', () => {
    expect(startOfBerlinDay('2026-01-15').toISOString()).toBe('2026-01-14T23:00:00.000Z')
    expect(startOfBerlinDay('2026-07-15').toISOString()).toBe('2026-07-14T22:00:00.000Z')
  })

  it('handles the days of the clock changes', () => {
    // 2026-03-29: clocks go forward at 02:00; midnight is still CET.
    expect(startOfBerlinDay('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z')
    expect(startOfBerlinDay('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z')
    // 2026-10-25: clocks go back at 03:00; midnight is still CEST.
    expect(startOfBerlinDay('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z')
    expect(startOfBerlinDay('2026-10-26').toISOString()).toBe('2026-10-25T23:00:00.000Z')
  })

  it('when the clocks change in 2025, 2026 and 2027, then the days around each switch start at the right instant', () => {
    for (const [day, start] of [
      ['2025-03-30', '2025-03-29T23:00:00.000Z'],
      ['2025-03-31', '2025-03-30T22:00:00.000Z'],
      ['2025-10-26', '2025-10-25T22:00:00.000Z'],
      ['2025-10-27', '2025-10-26T23:00:00.000Z'],
      ['2026-12-31', '2026-12-30T23:00:00.000Z'],
      ['2027-01-01', '2026-12-31T23:00:00.000Z'],
      ['2027-03-28', '2027-03-27T23:00:00.000Z'],
      ['2027-03-29', '2027-03-28T22:00:00.000Z'],
      ['2027-10-31', '2027-10-30T22:00:00.000Z'],
      ['2027-11-01', '2027-10-31T23:00:00.000Z'],
    ])
      expect(startOfBerlinDay(day as string).toISOString(), day).toBe(start)
  })

  it('when the clocks change, then that Berlin day lasts 23 or 25 hours and every other day 24', () => {
    const length = (day: string) =>
      (startOfBerlinDay(addDays(day, 1)).getTime() - startOfBerlinDay(day).getTime()) / hourMs
    expect(length('2026-03-28')).toBe(24)
    expect(length('2026-03-29')).toBe(23)
    expect(length('2026-03-30')).toBe(24)
    expect(length('2026-10-24')).toBe(24)
    expect(length('2026-10-25')).toBe(25)
    expect(length('2026-10-26')).toBe(24)
  })

  it('when an instant lies in the hour the clocks skip or repeat, then its Berlin date is still that day', () => {
    // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST.
    expect(berlinDateOf(new Date('2026-03-29T00:59:59.999Z'))).toBe('2026-03-29')
    expect(berlinDateOf(new Date('2026-03-29T01:00:00.000Z'))).toBe('2026-03-29')
    expect(berlinDateOf(new Date('2026-03-29T21:59:59.999Z'))).toBe('2026-03-29')
    expect(berlinDateOf(new Date('2026-03-29T22:00:00.000Z'))).toBe('2026-03-30')
    // 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    expect(berlinDateOf(new Date('2026-10-25T00:30:00.000Z'))).toBe('2026-10-25')
    expect(berlinDateOf(new Date('2026-10-25T01:30:00.000Z'))).toBe('2026-10-25')
    expect(berlinDateOf(new Date('2026-10-25T22:59:59.999Z'))).toBe('2026-10-25')
    expect(berlinDateOf(new Date('2026-10-25T23:00:00.000Z'))).toBe('2026-10-26')
  })

  it('when a validity window spans both switches, then it starts in winter time and ends in winter time a year later', () => {
    const window = validityWindow('2026-03-01', '2027-02-28')
    expect(window.start.toISOString()).toBe('2026-02-28T23:00:00.000Z')
    expect(window.end.toISOString()).toBe('2027-02-28T23:00:00.000Z')
    const summer = validityWindow('2026-03-30', '2026-10-25')
    expect(summer.start.toISOString()).toBe('2026-03-29T22:00:00.000Z')
    expect(summer.end.toISOString()).toBe('2026-10-25T23:00:00.000Z')
  })

  it('when every day of 2025–2027 and the days around every switch from 2000 to 2037 are converted, then each starts where the summer-time rule says and its first and last instants carry its date', () => {
    const days: string[] = []
    for (let day = '2025-01-01'; day < '2028-01-01'; day = addDays(day, 1)) days.push(day)
    for (let year = 2000; year <= 2037; year++)
      for (const change of [lastSunday(year, 3), lastSunday(year, 10)])
        days.push(addDays(change, -1), change, addDays(change, 1))
    const wrong = days.filter((day) => {
      const start = startOfBerlinDay(day).getTime()
      return (
        start !== startByRule(day) ||
        berlinDateOf(new Date(start)) !== day ||
        berlinDateOf(new Date(start - 1)) !== addDays(day, -1)
      )
    })
    expect(days.length).toBeGreaterThan(1200)
    expect(wrong).toEqual([])
  })

  it('gives the Berlin date of an instant around midnight', () => {
    expect(berlinDateOf(new Date('2026-03-01T22:59:59.999Z'))).toBe('2026-03-01')
    expect(berlinDateOf(new Date('2026-03-01T23:00:00.000Z'))).toBe('2026-03-02')
    expect(berlinDateOf(new Date('2026-06-30T21:59:59.999Z'))).toBe('2026-06-30')
    expect(berlinDateOf(new Date('2026-06-30T22:00:00.000Z'))).toBe('2026-07-01')
  })

  it('covers validUntil through the end of its Berlin day', () => {
    const window = validityWindow('2026-03-02', '2026-06-30')
    expect(window.start.toISOString()).toBe('2026-03-01T23:00:00.000Z')
    expect(window.end.toISOString()).toBe('2026-06-30T22:00:00.000Z')
  })

  it('adds months, clamping to the last day of a shorter month', () => {
    expect(addMonths('2026-03-02', 12)).toBe('2027-03-02')
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28')
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28')
  })

  it('counts a birthday as completed on the day itself, and 29 February from 1 March', () => {
    expect(ageOn('2008-03-02', '2026-03-01')).toBe(17)
    expect(ageOn('2008-03-02', '2026-03-02')).toBe(18)
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17)
    expect(ageOn('2008-02-29', '2026-03-01')).toBe(18)
    expect(ageOn('2008-02-29', '2028-02-29')).toBe(20)
  })
})
