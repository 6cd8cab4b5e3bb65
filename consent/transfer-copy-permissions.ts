/**
 * Who may open what an agency sent (issue 18 point 2): the transfer page with its content and the
 * copy for the case file, both decrypted from the sending agency's sealed copy. Pure, in the style
 * of `inbox-permissions.ts`: the service loads the transfer and the caller, asks here, and only
 * then decrypts and audits.
 *
 * - Staff of the sending agency view a transfer it sent and download its copy: the data are that
 *   agency's own records of what it disclosed (Art. 5(2) GDPR accountability, § 67d SGB X).
 * - Staff of the recipient agency read what arrived in their inbox, never the sender's copy;
 *   staff of any other agency, DPOs (who read audit metadata, not case data), admins, kiosks,
 *   `/me` sessions and workers learn nothing: "not found", so no caller learns that it exists.
 * - A receipt owed to a partner is no transfer and has no page.
 */

export const transferCopyRefusalCodes = ['ERR_RELAY_TRANSFER_NOT_FOUND'] as const
export type TransferCopyRefusalCode = (typeof transferCopyRefusalCodes)[number]

export type TransferCopyActor =
  | { kind: 'staff'; agencyId: string }
  /** DPO, admin, kiosk, a `/me` session, a worker: no reading of case data here. */
  | { kind: 'dpo' | 'admin' | 'kiosk' | 'self_service' | 'system'; agencyId: string | null }

/** `view`: the transfer page with its content; `download_copy`: the PDF for the case file. */
export type TransferCopyAction = 'view' | 'download_copy'

/** What the rule reads of a transfer. */
export interface TransferCopyFacts {
  kind: 'transfer' | 'revocation_notice' | 'receipt'
  senderAgencyId: string
}

export type TransferCopyVerdict =
  { allowed: true } | { allowed: false; code: TransferCopyRefusalCode; message: string }

const notFound: TransferCopyVerdict = {
  allowed: false,
  code: 'ERR_RELAY_TRANSFER_NOT_FOUND',
  message: 'No such transfer of your agency.',
}

/** Whether `actor` may take `action` on the transfer (every refusal looks like absence). */
export function authorizeTransferCopyAction(
  actor: TransferCopyActor,
  action: TransferCopyAction,
  transfer: TransferCopyFacts,
): TransferCopyVerdict {
  if (actor.kind !== 'staff') return notFound
  if (transfer.kind === 'receipt') return notFound
  if (actor.agencyId !== transfer.senderAgencyId) return notFound
  // A revocation notice carries no case data and keeps no copy: its page shows the status only.
  if (action === 'download_copy' && transfer.kind !== 'transfer') return notFound
  return { allowed: true }
}
