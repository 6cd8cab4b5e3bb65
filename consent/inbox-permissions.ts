/**
 * Who may open or acknowledge an item in an agency's inbox (issue 16 points 5 and 6): what a
 * partner gateway — or this instance — delivered to one receiving agency. Pure, in the style of
 * `permissions.ts`: the service loads the item and the caller, asks here, and only then decrypts,
 * stores and audits.
 *
 * - Only staff of the receiving agency view an item and acknowledge it: the data was transferred
 *   to that agency (§ 67d SGB X), and the purpose binding (§ 78 SGB X) is its duty alone.
 * - Staff of the sending agency, of any other agency, DPOs (who read audit metadata, not case
 *   data), admins, kiosks and `/me` sessions learn nothing: "not found", so no caller learns that
 *   an item exists.
 * - A quarantined item (it failed a check on arrival) is never shown as received, not even to the
 *   receiving agency's staff.
 */

export const inboxRefusalCodes = ['ERR_INBOX_ITEM_NOT_FOUND'] as const
export type InboxRefusalCode = (typeof inboxRefusalCodes)[number]

export type InboxActor =
  | { kind: 'staff'; agencyId: string }
  /** DPO, admin, kiosk, a `/me` session, a worker: no reading of case data here. */
  | { kind: 'dpo' | 'admin' | 'kiosk' | 'self_service' | 'system'; agencyId: string | null }

export type InboxAction = 'view' | 'acknowledge'

/** What the rule reads of an item. */
export interface InboxItemFacts {
  recipientAgencyId: string
  status: 'received' | 'quarantined'
}

export type InboxVerdict =
  { allowed: true } | { allowed: false; code: InboxRefusalCode; message: string }

const notFound: InboxVerdict = {
  allowed: false,
  code: 'ERR_INBOX_ITEM_NOT_FOUND',
  message: 'No such item in your inbox.',
}

/** Whether `actor` may take `action` on the item (every refusal looks like absence). */
export function authorizeInboxAction(
  actor: InboxActor,
  // Both actions have the same rule today; the parameter keeps the call sites honest should
  // acknowledging one day need more than viewing.
  _action: InboxAction,
  item: InboxItemFacts,
): InboxVerdict {
  if (actor.kind !== 'staff') return notFound
  if (item.status !== 'received') return notFound
  if (actor.agencyId !== item.recipientAgencyId) return notFound
  return { allowed: true }
}
