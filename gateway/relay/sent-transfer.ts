import { actorOf, type Principal } from '../../accounts/roles.ts'
import {
  authorizeTransferCopyAction,
  type TransferCopyAction,
  type TransferCopyActor,
} from '../../consent/transfer-copy-permissions.ts'
import { decodePem } from '../../crypto/certificate-pem.ts'
import { decryptAndVerify, type DecryptAndVerifyResult } from '../../crypto/smime.ts'
import { findAgencies } from '../../db/account-repository.ts'
import { appendAuditEvent, searchAuditEntries } from '../../db/audit-repository.ts'
import { listTrustAnchors } from '../../db/certificate-repository.ts'
import { findSenderCopy } from '../../db/transfer-copy-repository.ts'
import {
  findTransfer,
  listTransfersOfConsent,
  type TransferRecord,
} from '../../db/transfer-repository.ts'
import type { Deps } from '../deps.ts'
import { decryptionKeysOf } from '../inbound/decryption-keys.ts'
import {
  readInboxAttachment,
  readInboxMessage,
  type InboxAttachment,
  type InboxContent,
} from '../inbox/read-inbox-message.ts'
import { attestationContentType } from './attestation-part.ts'
import { coverSheetTexts } from './case-summary-template.ts'
import { RelayError } from './relay-error.ts'
import { toTransferView, type TransferView } from './transfer-service.ts'

/** The caller as the sent-transfer pages see it: who acts (audit) and what the rule judges. */
export interface SentTransferCaller {
  actor: `user:${string}` | `kiosk:${string}`
  rule: TransferCopyActor
}

/** Any signed-in principal; only staff of the sending agency get further. */
export function sentTransferCallerOf(principal: Principal): SentTransferCaller {
  const { role, agencyId } = principal
  const rule: TransferCopyActor =
    role === 'staff'
      ? agencyId !== null
        ? { kind: 'staff', agencyId }
        : { kind: 'system', agencyId: null }
      : { kind: role, agencyId }
  return { actor: actorOf(principal), rule }
}

/** One step of a transfer's history, from its audit entries (no codes reach the page). */
export interface TransferHistoryStep {
  at: string
  step:
    | 'queued'
    | 'retrying'
    | 'delivered'
    | 'failed'
    | 'handoff_uncertain'
    | 'cancelled_revoked'
    | 'retried'
    | 'retry_refused'
    | 'withdrawn'
    | 'receipt_accepted'
    | 'receipt_refused'
  attempt: number | null
  nextAttemptAt: string | null
}

/**
 * What the sender's copy showed: the content, decrypted for this answer only; `none` when no
 * copy was made (a notice, or a transfer from before migration 0430) or retention deleted it;
 * `unreadable` when the agency's key no longer opens it.
 */
export type SentContent =
  | ({ state: 'shown' } & Pick<InboxContent, 'person' | 'necessity' | 'sections' | 'attachments'>)
  | { state: 'none' | 'unreadable' }

/** A transfer as its sender's staff open it: metadata, history and what was sent. */
export interface SentTransferDetail {
  transfer: TransferView
  sender: { id: string; name: string }
  recipient: { id: string; name: string }
  history: TransferHistoryStep[]
  content: SentContent
  /** The purpose binding the recipient is held to (§ 78 SGB X), as the cover sheet states it. */
  purposeBinding: string
}

const historyTypes = [
  'transfer_queued',
  'transfer_retrying',
  'transfer_delivered',
  'transfer_failed',
  'transfer_handoff_uncertain',
  'transfer_cancelled',
  'transfer_retried',
  'transfer_retry_refused',
  'transfer_withdrawn',
  'partner_receipt_recorded',
] as const

type HistoryEvent = Awaited<ReturnType<typeof searchAuditEntries>>['entries'][number]['event']

/** The step an audit event of a transfer stands for; undefined for any other event. */
function stepOf(
  event: HistoryEvent,
): (Pick<TransferHistoryStep, 'step'> & Partial<TransferHistoryStep>) | undefined {
  if (event.type === 'transfer_queued') return { step: 'queued' }
  if (event.type === 'transfer_retrying')
    return { step: 'retrying', attempt: event.attempt, nextAttemptAt: event.nextAttemptAt }
  if (event.type === 'transfer_delivered') return { step: 'delivered', attempt: event.attempt }
  if (event.type === 'transfer_failed') return { step: 'failed', attempt: event.attempt }
  if (event.type === 'transfer_handoff_uncertain')
    return { step: 'handoff_uncertain', attempt: event.attempt }
  if (event.type === 'transfer_cancelled') return { step: 'cancelled_revoked' }
  if (event.type === 'transfer_retried') return { step: 'retried' }
  if (event.type === 'transfer_retry_refused') return { step: 'retry_refused' }
  if (event.type === 'transfer_withdrawn') return { step: 'withdrawn' }
  if (event.type === 'partner_receipt_recorded')
    return { step: event.outcome === 'accepted' ? 'receipt_accepted' : 'receipt_refused' }
  return undefined
}

async function historyOf(deps: Pick<Deps, 'db'>, transferId: string) {
  const page = await searchAuditEntries(
    deps.db,
    { transferId, types: historyTypes },
    { limit: 200, order: 'asc' },
  )
  const steps: TransferHistoryStep[] = []
  for (const { at, event } of page.entries) {
    const base = { at, attempt: null, nextAttemptAt: null }
    const step = stepOf(event)
    if (step) steps.push({ ...base, ...step })
  }
  return steps
}

/**
 * Decrypts the sender's sealed copy with the sending agency's current keys and verifies its
 * signature at the instant it was made, so what is shown is exactly what was signed and sent.
 * The plaintext lives in memory for this answer only: never stored, never logged.
 */
async function openCopy(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'config'>,
  transfer: TransferRecord,
): Promise<SentContent> {
  const entity = await decryptCopy(deps, transfer)
  if (entity.state !== 'opened') return entity
  const content = await readInboxMessage(entity.mimeEntity, 'case_summary')
  return {
    state: 'shown',
    person: content.person,
    necessity: content.necessity,
    sections: content.sections,
    // The PDFs staff attached carry their category; the consent attestation part is no attachment.
    attachments: content.attachments.filter((a) => a.contentType !== attestationContentType),
  }
}

/** The signed entity inside the sender's copy, verified; or why there is none to show. */
async function decryptCopy(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'config'>,
  transfer: TransferRecord,
): Promise<{ state: 'opened'; mimeEntity: Buffer } | { state: 'none' | 'unreadable' }> {
  const copy = await findSenderCopy(deps.db, transfer.id)
  if (!copy || copy.senderAgencyId !== transfer.senderAgencyId) return { state: 'none' }
  const [keys, anchors, agencies] = await Promise.all([
    decryptionKeysOf(deps, transfer.senderAgencyId, deps.clock.now()),
    listTrustAnchors(deps.db),
    findAgencies(deps.db, [transfer.senderAgencyId]),
  ])
  const mailbox = transfer.senderMailbox ?? agencies.get(transfer.senderAgencyId)?.mailbox
  let opened: DecryptAndVerifyResult | undefined
  for (const key of keys) {
    opened = decryptAndVerify({
      message: Buffer.from(copy.envelope, 'latin1'),
      recipient: { key: key.key, certificate: key.certificate },
      trustAnchors: anchors.map((a) => decodePem(a.certificatePem, 'CERTIFICATE')),
      crlPolicy: 'if-present',
      ...(mailbox ? { expectedSenderEmail: mailbox } : {}),
      at: new Date(copy.createdAt),
    })
    if (opened.ok || opened.code !== 'ERR_CMS_NOT_FOR_US') break
  }
  if (!opened?.ok) return { state: 'unreadable' }
  return { state: 'opened', mimeEntity: opened.mimeEntity }
}

/** `transfer_copy_viewed`: who opened what their agency sent, and how (page, PDF, an attachment). */
async function auditCopyViewed(
  deps: Pick<Deps, 'db' | 'clock'>,
  caller: SentTransferCaller,
  transfer: TransferRecord,
  how: { via: 'page' | 'pdf' } | { via: 'attachment'; attachmentIndex: number },
): Promise<void> {
  await appendAuditEvent(deps.db, {
    at: deps.clock.now(),
    actor: caller.actor,
    event: {
      type: 'transfer_copy_viewed',
      transferId: transfer.id,
      consentId: transfer.consentId,
      subjectPseudonym: transfer.subjectPseudonym,
      senderAgencyId: transfer.senderAgencyId,
      recipientAgencyId: transfer.recipientAgencyId,
      ...how,
    },
  })
}

/**
 * One attachment of what the caller's agency sent (its place among the attachments the transfer
 * page lists, the consent attestation not counted), from the sealed copy; audited as
 * `transfer_copy_viewed` `via: 'attachment'` with its index. Not found for every other party, a
 * transfer without a readable copy, and an index it does not have.
 */
export async function openSentAttachment(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'config'>,
  input: { caller: SentTransferCaller; id: string; index: number },
): Promise<InboxAttachment> {
  const transfer = await findTransfer(deps.db, input.id)
  const verdict = transfer
    ? authorizeTransferCopyAction(input.caller.rule, 'download_copy', transfer)
    : undefined
  const notFound = () =>
    new RelayError('ERR_RELAY_TRANSFER_NOT_FOUND', 'No such transfer of your agency.')
  if (!transfer || !verdict?.allowed) throw notFound()
  const entity = await decryptCopy(deps, transfer)
  if (entity.state !== 'opened') throw notFound()
  const attachment = await readInboxAttachment(
    entity.mimeEntity,
    input.index,
    (contentType) => contentType !== attestationContentType,
  )
  if (!attachment) throw notFound()
  await auditCopyViewed(deps, input.caller, transfer, {
    via: 'attachment',
    attachmentIndex: input.index,
  })
  return attachment
}

/**
 * Opens a transfer the caller's agency sent (issue 18 point 2): its metadata, its history from
 * the audit log, the partner's receipt, and what was sent, from the sender's sealed copy. Opening
 * the content is audited (`transfer_copy_viewed`, `via` the page or the case-file PDF).
 */
export async function openSentTransfer(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'config'>,
  input: { caller: SentTransferCaller; id: string; via: 'page' | 'pdf' },
): Promise<SentTransferDetail> {
  const action: TransferCopyAction = input.via === 'pdf' ? 'download_copy' : 'view'
  const transfer = await findTransfer(deps.db, input.id)
  const verdict = transfer
    ? authorizeTransferCopyAction(input.caller.rule, action, transfer)
    : undefined
  if (!transfer || !verdict?.allowed || transfer.kind === 'receipt')
    throw new RelayError('ERR_RELAY_TRANSFER_NOT_FOUND', 'No such transfer of your agency.')
  const [agencies, history, content] = await Promise.all([
    findAgencies(deps.db, [transfer.senderAgencyId, transfer.recipientAgencyId]),
    historyOf(deps, transfer.id),
    transfer.kind === 'transfer' ? openCopy(deps, transfer) : ({ state: 'none' } as const),
  ])
  if (content.state === 'shown')
    await auditCopyViewed(deps, input.caller, transfer, { via: input.via })
  const nameOf = (id: string) => ({ id, name: agencies.get(id)?.name ?? id })
  return {
    transfer: toTransferView({ ...transfer, kind: transfer.kind }),
    sender: nameOf(transfer.senderAgencyId),
    recipient: nameOf(transfer.recipientAgencyId),
    history,
    content,
    purposeBinding: coverSheetTexts.purposeBinding,
  }
}

/** The transfers the caller's agency sent under a consent, newest first (metadata only). */
export async function listSentUnderConsent(
  deps: Pick<Deps, 'db'>,
  input: { agencyId: string; consentId: string },
): Promise<TransferView[]> {
  const list = await listTransfersOfConsent(deps.db, { ...input, limit: 200 })
  return list.flatMap((t) =>
    t.kind === 'transfer' ? [toTransferView({ ...t, kind: t.kind })] : [],
  )
}
