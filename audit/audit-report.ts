import type { AuditEntry } from './audit-event.ts'

/** Event types the report reads (relay and consent areas' names, docs/design.md §3.5). */
export const reportEventTypes = [
  'transfer_queued',
  'transfer_denied',
  // A queued transfer that did not get through is no Übermittlung (issue 18):
  'transfer_failed',
  'transfer_cancelled',
  'transfer_withdrawn',
  'partner_receipt_recorded',
  'consent_revoked',
  'consent_majority_lapsed',
] as const

export interface TransferWeekRow {
  /** ISO 8601 week of the Europe/Berlin calendar date, e.g. `2026-W10`. */
  week: string
  fromAgencyId: string
  toAgencyId: string
  purpose: string
  count: number
}

export interface StaffDenialRate {
  actor: string
  attempts: number
  denials: number
  rate: number
  /** The rate of every other staff member's attempts together. */
  othersRate: number
  outlier: boolean
}

export interface AuditReport {
  transfersPerWeek: TransferWeekRow[]
  denialsByReason: { reason: string; count: number }[]
  revocations: {
    total: number
    perWeek: { week: string; count: number }[]
    byChannel: { channel: string; count: number }[]
  }
  /** Consents that lapsed at majority (not confirmed): not revocations — nobody revoked them. */
  lapses: {
    total: number
    perWeek: { week: string; count: number }[]
  }
  staffDenialRates: StaffDenialRate[]
}

/** Thresholds of the "unusual pattern" flag; explained to DPOs in docs/dpo-guide*.md. */
export const outlierRule = { minAttempts: 5, factor: 2, minDifference: 0.2 } as const

const berlinDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Berlin',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

/** The ISO 8601 week (`YYYY-Www`) of the instant's calendar date in Europe/Berlin. */
export function isoWeekOf(at: Date): string {
  const [y, m, d] = berlinDate.format(at).split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(y, m - 1, d))
  const weekday = (date.getUTCDay() + 6) % 7 // Monday 0
  date.setUTCDate(date.getUTCDate() - weekday + 3) // the Thursday decides the year
  const year = date.getUTCFullYear()
  const firstThursday = new Date(Date.UTC(year, 0, 4))
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3)
  const week = 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * 86_400_000))
  return `${year}-W${String(week).padStart(2, '0')}`
}

const text = (event: Record<string, unknown>, ...names: string[]): string | undefined => {
  for (const name of names) if (typeof event[name] === 'string') return event[name]
  return undefined
}

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

/**
 * Aggregates the DPO reports from entries (any order): transfers of case data per week by agency
 * pair and purpose — permitted and not refused afterwards (a partner's refusal receipt, a failed,
 * cancelled or withdrawn delivery does not count; nor do revocation notices and receipts) — denials by reason code, revocations, and each staff member's denial rate
 * beside their colleagues', flagged when far above it.
 */
export async function buildAuditReport(
  entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>,
): Promise<AuditReport> {
  /** Queued case-data transfers: id (or entry seq) -> report key. */
  const queuedTransfers = new Map<string, string>()
  /** Transfers that did not get through: refused by the partner, failed, cancelled, withdrawn. */
  const notThrough = new Set<string>()
  const denials = new Map<string, number>()
  const revocationWeeks = new Map<string, number>()
  const revocationChannels = new Map<string, number>()
  const lapseWeeks = new Map<string, number>()
  let lapses = 0
  const staff = new Map<string, { attempts: number; denials: number }>()
  let revocations = 0
  for await (const entry of entries) {
    const event = entry.event as Record<string, unknown>
    const week = isoWeekOf(new Date(entry.at))
    if (event.type === 'transfer_queued' || event.type === 'transfer_denied') {
      if (entry.actor.startsWith('user:')) {
        const s = staff.get(entry.actor) ?? { attempts: 0, denials: 0 }
        s.attempts++
        if (event.type === 'transfer_denied') s.denials++
        staff.set(entry.actor, s)
      }
    }
    if (event.type === 'transfer_queued') {
      // Revocation notices and receipts travel as transfers too, but carry no case data.
      const kind = text(event, 'kind') ?? 'transfer'
      const from = text(event, 'senderAgencyId', 'fromAgencyId', 'agencyId') ?? '?'
      const to = text(event, 'recipientAgencyId', 'toAgencyId') ?? '?'
      const purpose = text(event, 'purpose') ?? '?'
      if (kind === 'transfer')
        queuedTransfers.set(
          text(event, 'transferId') ?? `seq:${entry.seq}`,
          JSON.stringify([week, from, to, purpose]),
        )
    } else if (
      event.type === 'transfer_failed' ||
      event.type === 'transfer_cancelled' ||
      event.type === 'transfer_withdrawn' ||
      (event.type === 'partner_receipt_recorded' && event.outcome === 'refused')
    ) {
      const transferId = text(event, 'transferId')
      if (transferId) notThrough.add(transferId)
    } else if (event.type === 'transfer_denied') {
      const reasons = Array.isArray(event.reasons) ? event.reasons : []
      for (const reason of reasons) if (typeof reason === 'string') increment(denials, reason)
      if (reasons.length === 0) increment(denials, 'unspecified')
    } else if (event.type === 'consent_majority_lapsed') {
      lapses++
      increment(lapseWeeks, week)
    } else if (event.type === 'consent_revoked' && entry.actor !== 'system') {
      // Before lapses had their own status, a lapse also wrote `consent_revoked` by `system`;
      // nobody revoked those, and a person or staff member always revokes as themselves.
      revocations++
      increment(revocationWeeks, week)
      increment(revocationChannels, text(event, 'channel') ?? '?')
    }
  }
  const transfers = new Map<string, number>()
  for (const [id, key] of queuedTransfers) if (!notThrough.has(id)) increment(transfers, key)
  const totalAttempts = [...staff.values()].reduce((sum, s) => sum + s.attempts, 0)
  const totalDenials = [...staff.values()].reduce((sum, s) => sum + s.denials, 0)
  const staffDenialRates = [...staff.entries()]
    .map(([actor, s]) => {
      const othersAttempts = totalAttempts - s.attempts
      const othersRate = othersAttempts > 0 ? (totalDenials - s.denials) / othersAttempts : 0
      const rate = s.denials / s.attempts
      const outlier =
        othersAttempts > 0 &&
        s.attempts >= outlierRule.minAttempts &&
        rate >= outlierRule.factor * othersRate &&
        rate - othersRate >= outlierRule.minDifference
      return { actor, attempts: s.attempts, denials: s.denials, rate, othersRate, outlier }
    })
    .sort((a, b) => b.rate - a.rate || a.actor.localeCompare(b.actor))
  const sortedCounts = (map: Map<string, number>) =>
    [...map.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  return {
    transfersPerWeek: [...transfers.entries()]
      .map(([key, count]) => {
        const [week, fromAgencyId, toAgencyId, purpose] = JSON.parse(key) as [
          string,
          string,
          string,
          string,
        ]
        return { week, fromAgencyId, toAgencyId, purpose, count }
      })
      .sort((a, b) => a.week.localeCompare(b.week) || b.count - a.count),
    denialsByReason: sortedCounts(denials).map(([reason, count]) => ({ reason, count })),
    revocations: {
      total: revocations,
      perWeek: [...revocationWeeks.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([week, count]) => ({ week, count })),
      byChannel: sortedCounts(revocationChannels).map(([channel, count]) => ({ channel, count })),
    },
    lapses: {
      total: lapses,
      perWeek: [...lapseWeeks.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([week, count]) => ({ week, count })),
    },
    staffDenialRates,
  }
}
