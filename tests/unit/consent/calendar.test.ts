import { describe, expect, it } from 'vitest'
import {
  addMonths,
  ageOn,
  berlinDateOf,
  startOfBerlinDay,
  validityWindow,
} from '../../../consent/calendar.ts'

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
