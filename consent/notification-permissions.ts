/**
 * Who sees a notification of the staff desk (issue 18 point 4): signed, declined, revoked,
 * lapsed, lapsing soon, delivered, failed, received. Pure, in the style of `inbox-permissions.ts`:
 * the service derives each notification with the agencies it concerns (its audience) and asks
 * here before showing, counting or mailing it.
 *
 * - Only staff of an agency in the audience see it: the consent's preparing agency and its
 *   parties for consent events, the sending agency for a transfer's outcome, the receiving agency
 *   for an item received. Staff of any other agency learn nothing (docs/design.md §3.3.6: no
 *   cross-agency lookup).
 * - DPOs, admins, kiosks, `/me` sessions and workers see none: a notification points at case
 *   work, not at audit metadata.
 * - Marking as read and the e-mail notice follow the same rule: one caller's read state never
 *   touches another agency's notifications.
 */

export type NotificationActor =
  | { kind: 'staff'; agencyId: string }
  | { kind: 'dpo' | 'admin' | 'kiosk' | 'self_service' | 'system'; agencyId: string | null }

export type NotificationAction = 'view' | 'mark_read' | 'mail_notice'

/** What the rule reads of a notification: the agencies it concerns. */
export interface NotificationFacts {
  audienceAgencyIds: readonly string[]
}

/** Whether `actor` may take `action` on the notification. */
export function mayActOnNotification(
  actor: NotificationActor,
  // One rule for every action today; the parameter keeps call sites honest should one differ.
  _action: NotificationAction,
  notification: NotificationFacts,
): boolean {
  if (actor.kind !== 'staff') return false
  return notification.audienceAgencyIds.includes(actor.agencyId)
}

/** What happened, as the notification centre names it. */
export const notificationKinds = [
  'signed',
  'declined',
  'revoked',
  'lapsed',
  'lapsing_soon',
  'delivered',
  'failed',
  'received',
] as const
export type NotificationKind = (typeof notificationKinds)[number]

/** The agencies a notification's source names. */
export interface NotificationSource {
  kind: NotificationKind
  /** The consent's preparing agency, senders and recipients (consent events, lapsing soon). */
  consent?: { createdByAgencyId: string; senders: readonly string[]; recipients: readonly string[] }
  /** The transfer's sending agency (delivered, failed). */
  senderAgencyId?: string
  /** The receiving agency (an item received). */
  recipientAgencyId?: string
}

/**
 * The agencies a notification concerns: the preparing agency learns whether the person signed or
 * declined; every party learns of a revocation or lapse (each must stop using the data); the
 * preparing and sending agencies learn that a consent they send under ends soon; the sender
 * learns its transfer's outcome; the receiving agency what arrived.
 */
export function notificationAudience(source: NotificationSource): string[] {
  const c = source.consent
  const agencies: string[] = []
  switch (source.kind) {
    case 'signed':
    case 'declined':
      if (c) agencies.push(c.createdByAgencyId)
      break
    case 'revoked':
    case 'lapsed':
      if (c) agencies.push(c.createdByAgencyId, ...c.senders, ...c.recipients)
      break
    case 'lapsing_soon':
      if (c) agencies.push(c.createdByAgencyId, ...c.senders)
      break
    case 'delivered':
    case 'failed':
      if (source.senderAgencyId) agencies.push(source.senderAgencyId)
      break
    case 'received':
      if (source.recipientAgencyId) agencies.push(source.recipientAgencyId)
      break
  }
  return [...new Set(agencies)]
}
