import { z } from 'zod'
import { addDays, berlinDateOf, startOfBerlinDay } from '../../consent/calendar.ts'
import {
  mayActOnNotification,
  notificationAudience,
  type NotificationActor,
  type NotificationKind,
} from '../../consent/notification-permissions.ts'
import { consentStatus } from '../../consent/status.ts'
import {
  findNotificationState,
  listConsentEventsFor,
  listConsentsEndingFor,
  listReceivedEventsFor,
  listTransferEventsFor,
  saveNotificationState,
  type NotificationState,
} from '../../db/notification-repository.ts'
import type { Deps } from '../deps.ts'

/** How far back the centre looks (older news is in the records themselves). */
export const notificationWindowDays = 30
/** Notifications of each source read at most (the newest). */
const perSource = 100
/** Notifications shown or returned at most. */
export const notificationLimit = 100

/** Which audit events make which notification. */
const consentEventKinds: Record<string, NotificationKind> = {
  consent_activated: 'signed',
  consent_declined: 'declined',
  consent_revoked: 'revoked',
  consent_majority_lapsed: 'lapsed',
}
const transferEventKinds: Record<string, NotificationKind> = {
  transfer_delivered: 'delivered',
  transfer_failed: 'failed',
}

/** The stored entry (`{ actor, at, event, seq }`, audit/hash-chain.ts), as far as read here. */
const receivedEntrySchema = z.object({
  event: z.object({
    type: z.literal('inbound_received'),
    itemId: z.string(),
    kind: z.string(),
    recipientAgencyId: z.string(),
    senderAgencyId: z.string(),
  }),
})

/** One notification as the centre shows it. Names only for the agency's own pages. */
export interface StaffNotification {
  kind: NotificationKind
  /** When it happened (lapsing soon: when the consent entered the window). ISO-8601 UTC. */
  at: string
  /** The audit sequence number; null for lapsing soon (derived from the consent, not an event). */
  seq: number | null
  unread: boolean
  consentId: string | null
  transferId: string | null
  inboxItemId: string | null
  /** The other agency (the transfer's recipient, the received item's sender). */
  otherAgencyId: string | null
  /** The consent's last valid day (lapsing soon). */
  validUntil: string | null
  /** What arrived (`case_summary`, `revocation_notice`, `lapse_notice`). */
  itemKind: string | null
  person: { givenName: string; familyName: string } | null
  audienceAgencyIds: string[]
}

export interface NotificationCaller {
  userId: string
  agencyId: string
}

export interface NotificationList {
  items: StaffNotification[]
  unread: number
  /** The highest sequence number listed (what "mark as read" reaches). */
  latestSeq: number
  state: NotificationState
}

const personOf = (given: string | null, family: string | null) =>
  given !== null && family !== null ? { givenName: given, familyName: family } : null

/**
 * The notifications of the caller's agency (issue 18 point 4), newest first: signed, declined,
 * revoked, lapsed, delivered, failed, received, and consents ending within
 * `NOTIFY_LAPSING_DAYS`. Each passes {@link mayActOnNotification} before it is listed.
 */
export async function listNotifications(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  input: { caller: NotificationCaller; action?: 'view' | 'mail_notice'; now?: Date },
): Promise<NotificationList> {
  const now = input.now ?? deps.clock.now()
  const { agencyId } = input.caller
  const since = new Date(now.getTime() - notificationWindowDays * 86_400_000)
  const actor: NotificationActor = { kind: 'staff', agencyId }
  const days = deps.config.notifyLapsingDays
  const today = berlinDateOf(now)
  const [state, consentEvents, transferEvents, receivedEvents, ending] = await Promise.all([
    findNotificationState(deps.db, input.caller.userId),
    listConsentEventsFor(deps.db, {
      agencyId,
      types: Object.keys(consentEventKinds),
      since,
      limit: perSource,
    }),
    listTransferEventsFor(deps.db, {
      agencyId,
      types: Object.keys(transferEventKinds),
      since,
      limit: perSource,
    }),
    listReceivedEventsFor(deps.db, { agencyId, since, limit: perSource }),
    listConsentsEndingFor(deps.db, {
      agencyId,
      from: now,
      // A consent valid through today + days ends at the start of the day after.
      until: startOfBerlinDay(addDays(today, days + 1)),
      limit: perSource,
    }),
  ])
  const items: Omit<StaffNotification, 'unread'>[] = []
  const blank = {
    consentId: null,
    transferId: null,
    inboxItemId: null,
    otherAgencyId: null,
    validUntil: null,
    itemKind: null,
    person: null,
  }
  for (const row of consentEvents) {
    const kind = consentEventKinds[row.type]
    if (!kind) continue
    items.push({
      ...blank,
      kind,
      at: row.at,
      seq: row.seq,
      consentId: row.consentId,
      person: personOf(row.givenName, row.familyName),
      audienceAgencyIds: notificationAudience({ kind, consent: row }),
    })
  }
  for (const row of transferEvents) {
    const kind = transferEventKinds[row.type]
    if (!kind) continue
    items.push({
      ...blank,
      kind,
      at: row.at,
      seq: row.seq,
      consentId: row.consentId,
      transferId: row.transferId,
      otherAgencyId: row.recipientAgencyId,
      person: personOf(row.givenName, row.familyName),
      audienceAgencyIds: notificationAudience({ kind, senderAgencyId: row.senderAgencyId }),
    })
  }
  for (const row of receivedEvents) {
    const entry = receivedEntrySchema.safeParse(JSON.parse(row.data))
    if (!entry.success) continue
    const event = entry.data
    items.push({
      ...blank,
      kind: 'received',
      at: row.at,
      seq: row.seq,
      inboxItemId: event.event.itemId,
      itemKind: event.event.kind,
      otherAgencyId: event.event.senderAgencyId,
      audienceAgencyIds: notificationAudience({
        kind: 'received',
        recipientAgencyId: event.event.recipientAgencyId,
      }),
    })
  }
  for (const row of ending) {
    if (consentStatus(row.facts, now) !== 'active') continue
    const entered = startOfBerlinDay(addDays(row.facts.validUntil, -days))
    items.push({
      ...blank,
      kind: 'lapsing_soon',
      at: entered.toISOString(),
      seq: null,
      consentId: row.facts.id,
      validUntil: row.facts.validUntil,
      person: personOf(row.givenName, row.familyName),
      audienceAgencyIds: notificationAudience({
        kind: 'lapsing_soon',
        consent: { createdByAgencyId: row.createdByAgencyId, ...row.facts },
      }),
    })
  }
  const visible = items
    .filter((n) => mayActOnNotification(actor, input.action ?? 'view', n))
    .sort((a, b) => (a.at === b.at ? (b.seq ?? 0) - (a.seq ?? 0) : a.at < b.at ? 1 : -1))
    .slice(0, notificationLimit)
    .map((n) => ({ ...n, unread: isUnread(n, state) }))
  return {
    items: visible,
    unread: visible.filter((n) => n.unread).length,
    latestSeq: Math.max(0, ...visible.map((n) => n.seq ?? 0)),
    state,
  }
}

/** Unread: an event after the last one marked read; a lapsing notice after the last reading. */
export function isUnread(
  n: Pick<StaffNotification, 'seq' | 'at'>,
  state: Pick<NotificationState, 'seenSeq' | 'seenAt'>,
): boolean {
  if (n.seq !== null) return n.seq > state.seenSeq
  return state.seenAt === null || n.at > state.seenAt
}

/**
 * Marks the caller's notifications read up to `upTo` (the newest sequence number the page showed)
 * and every lapsing notice shown until now. Never moves backwards.
 */
export async function markNotificationsRead(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { caller: NotificationCaller; upTo: number },
): Promise<void> {
  const state = await findNotificationState(deps.db, input.caller.userId)
  const now = deps.clock.now().toISOString()
  await saveNotificationState(deps.db, input.caller.userId, {
    seenSeq: Math.max(state.seenSeq, input.upTo),
    seenAt: state.seenAt !== null && state.seenAt > now ? state.seenAt : now,
  })
}

/** The address of the caller's e-mail notice; null turns it off. */
export async function setNoticeEmail(
  deps: Pick<Deps, 'db'>,
  input: { caller: NotificationCaller; email: string | null },
): Promise<void> {
  await saveNotificationState(deps.db, input.caller.userId, { noticeEmail: input.email })
}
