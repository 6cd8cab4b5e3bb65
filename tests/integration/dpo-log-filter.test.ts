import { describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import {
  auditFilterOf,
  exportHrefOf,
  logHrefOf,
  parseDpoLogQuery,
} from '../../gateway/dpo/dpo-log-filter.ts'

// Pure functions behind the /dpo form; no database needed.
const dpoAll: Principal = {
  userId: 'dpo-all',
  role: 'dpo',
  agencyId: null,
  allAgencies: true,
  via: 'session',
}
const dpoJc: Principal = { ...dpoAll, userId: 'dpo-jc', agencyId: 'jc-demo', allAgencies: false }

describe('DPO log filter', () => {
  it('when "to" is a day, then the whole day is included and the next excluded', () => {
    const parsed = parseDpoLogQuery({ from: '2026-03-29', to: '2026-03-29' })
    if (!parsed.ok) throw new Error('expected a valid query')
    const filter = auditFilterOf(dpoAll, parsed.query)
    expect(filter.from?.toISOString()).toBe('2026-03-28T23:00:00.000Z')
    expect(filter.to?.toISOString()).toBe('2026-03-29T22:00:00.000Z')
    const autumn = parseDpoLogQuery({ from: '2026-10-25', to: '2026-10-25' })
    if (!autumn.ok) throw new Error('expected a valid query')
    const autumnFilter = auditFilterOf(dpoAll, autumn.query)
    expect(autumnFilter.from?.toISOString()).toBe('2026-10-24T22:00:00.000Z')
    expect(autumnFilter.to?.toISOString()).toBe('2026-10-25T23:00:00.000Z')
  })

  it('treats empty form fields as no condition and maps staff to the actor', () => {
    const parsed = parseDpoLogQuery({
      from: '',
      agency: '',
      staff: 'staff-jc',
      type: '',
      decision: 'deny',
    })
    if (!parsed.ok) throw new Error('expected a valid query')
    expect(auditFilterOf(dpoAll, parsed.query)).toEqual({
      actor: 'user:staff-jc',
      decision: 'deny',
    })
  })

  it('scopes a DPO bound to one agency, and refuses another agency', () => {
    const parsed = parseDpoLogQuery({})
    if (!parsed.ok) throw new Error('expected a valid query')
    expect(auditFilterOf(dpoJc, parsed.query)).toEqual({ agencyId: 'jc-demo' })
    const other = parseDpoLogQuery({ agency: 'aa-demo' })
    if (!other.ok) throw new Error('expected a valid query')
    expect(() => auditFilterOf(dpoJc, other.query)).toThrow(
      expect.objectContaining({ code: 'forbidden' }),
    )
  })

  it('names each bad field and keeps the typed values', () => {
    const parsed = parseDpoLogQuery({ from: '2026-13-01', subject: 'Max Mustermann', x: '1' })
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        'Von: ungültige Angabe.',
        'Pseudonym: ungültige Angabe.',
        'Unbekannte Angabe: x.',
      ]),
    )
    expect(parsed.query.subject).toBe('Max Mustermann')
  })

  it('links the export and the next page with exactly the same filter', () => {
    const parsed = parseDpoLogQuery({
      from: '2026-03-02',
      subject: 'psn_abc',
      type: 'transfer_denied',
    })
    if (!parsed.ok) throw new Error('expected a valid query')
    const href = new URL(exportHrefOf(auditFilterOf(dpoJc, parsed.query), 'json'), 'http://x')
    expect(Object.fromEntries(href.searchParams)).toEqual({
      format: 'json',
      from: '2026-03-01T23:00:00.000Z',
      agency: 'jc-demo',
      subject: 'psn_abc',
      type: 'transfer_denied',
    })
    expect(logHrefOf(parsed.query, 42)).toBe(
      '/dpo?from=2026-03-02&subject=psn_abc&type=transfer_denied&cursor=42',
    )
  })
})
