import { z } from 'zod'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { authorizeInboxAction, type InboxActor } from '../../consent/inbox-permissions.ts'
import { decodePem } from '../../crypto/certificate-pem.ts'
import { decryptAndVerify, type DecryptAndVerifyResult } from '../../crypto/smime.ts'
import { findAgency, listAgencies } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { listTrustAnchors } from '../../db/certificate-repository.ts'
import {
  acknowledgeInboxItem,
  findInboxItem,
  inboxItemKindSchema,
  listInboxItems,
  type InboxItemRecord,
} from '../../db/inbox-repository.ts'
import type { Deps } from '../deps.ts'
import { decryptionKeysOf } from '../inbound/decryption-keys.ts'
import { coverSheetTexts } from '../relay/case-summary-template.ts'
import { InboxError } from './inbox-error.ts'
import {
  readInboxAttachment,
  readInboxMessage,
  type InboxAttachment,
} from './read-inbox-message.ts'

/** The caller as the inbox sees it: who acts (audit) and what the object rule judges. */
export interface InboxCaller {
  actor: `user:${string}` | `kiosk:${string}`
  userId: string
  rule: InboxActor
}

/** Any signed-in principal as an inbox caller; only staff of the receiving agency get further. */
export function inboxCallerOf(principal: Principal): InboxCaller {
  const { role, agencyId } = principal
  const rule: InboxActor =
    role === 'staff'
      ? agencyId !== null
        ? { kind: 'staff', agencyId }
        : { kind: 'system', agencyId: null }
      : { kind: role, agencyId }
  return { actor: actorOf(principal), userId: principal.userId, rule }
}

const agencyRefSchema = z.strictObject({ id: z.string(), name: z.string() })

/** An item in the list: metadata verified inside the signature on arrival, nothing decrypted. */
export const inboxItemSummarySchema = z.strictObject({
  id: z.string(),
  kind: inboxItemKindSchema,
  sender: agencyRefSchema.nullable(),
  purpose: z.string().nullable(),
  categories: z.array(z.string()),
  consentId: z.string().nullable(),
  transferId: z.string().nullable(),
  receivedAt: z.iso.datetime(),
  /** Set when a revocation or lapse notice ended the use of this item. */
  useStopped: z.boolean(),
  useStoppedAt: z.iso.datetime().nullable(),
  useStoppedByItemId: z.string().nullable(),
  acknowledged: z.boolean(),
  acknowledgedAt: z.iso.datetime().nullable(),
})
export type InboxItemSummary = z.infer<typeof inboxItemSummarySchema>

/** The consent attestation as the inbox summarises it (roles, dates, methods — no names). */
export const attestationSummarySchema = z.strictObject({
  kind: z.string(),
  textVersion: z.number().nullable(),
  textSha256: z.string().nullable(),
  validFrom: z.string(),
  validUntil: z.string(),
  signatories: z.array(
    z.strictObject({ role: z.string(), signedAt: z.string(), method: z.string() }),
  ),
  senders: z.array(z.string()),
  recipients: z.array(z.string()),
  purposes: z.array(z.string()),
  categories: z.array(z.string()),
  status: z.string().nullable(),
  issuedAt: z.string().nullable(),
})
export type AttestationSummary = z.infer<typeof attestationSummarySchema>

/** One item opened: its metadata and the content, decrypted for this answer only. */
export const inboxItemDetailSchema = inboxItemSummarySchema.extend({
  subject: z.string(),
  person: z.strictObject({ name: z.string().nullable(), birthDate: z.string().nullable() }),
  consent: z.strictObject({
    id: z.string().nullable(),
    attestation: attestationSummarySchema.nullable(),
  }),
  necessity: z.string().nullable(),
  sections: z.array(z.strictObject({ category: z.string(), title: z.string(), body: z.string() })),
  noticeText: z.string().nullable(),
  attachments: z.array(
    z.strictObject({
      filename: z.string(),
      contentType: z.string(),
      category: z.string().nullable(),
      size: z.number().int(),
    }),
  ),
  /** The purpose binding the receiving agency is held to (§ 67c, § 78 SGB X, § 35 SGB I). */
  purposeBinding: z.string(),
})
export type InboxItemDetail = z.infer<typeof inboxItemDetailSchema>

/**
 * The attestation as fed-attest's `consentAttestationSchema` writes it (consent/consent-attestation.ts),
 * read leniently: what the page shows, or null when the stored JSON is not one.
 */
const storedAttestationSchema = z.object({
  kind: z.string(),
  text: z.object({ version: z.number(), sha256: z.string() }).partial().optional(),
  signatories: z
    .array(z.object({ role: z.string(), signedAt: z.string(), method: z.string() }))
    .default([]),
  validFrom: z.string(),
  validUntil: z.string(),
  senders: z.array(z.string()).default([]),
  recipients: z.array(z.string()).default([]),
  purposes: z.array(z.string()).default([]),
  categories: z.array(z.string()).default([]),
  status: z.string().optional(),
  issuedAt: z.string().optional(),
})

function attestationSummaryOf(json: string | null): AttestationSummary | null {
  if (json === null) return null
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return null
  }
  const parsed = storedAttestationSchema.safeParse(value)
  if (!parsed.success) return null
  const a = parsed.data
  return {
    kind: a.kind,
    textVersion: a.text?.version ?? null,
    textSha256: a.text?.sha256 ?? null,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    signatories: a.signatories.map((s) => ({
      role: s.role,
      signedAt: s.signedAt,
      method: s.method,
    })),
    senders: a.senders,
    recipients: a.recipients,
    purposes: a.purposes,
    categories: a.categories,
    status: a.status ?? null,
    issuedAt: a.issuedAt ?? null,
  }
}

function summaryOf(item: InboxItemRecord, names: ReadonlyMap<string, string>): InboxItemSummary {
  return {
    id: item.id,
    kind: item.kind,
    sender: item.senderAgencyId
      ? { id: item.senderAgencyId, name: names.get(item.senderAgencyId) ?? item.senderAgencyId }
      : null,
    purpose: item.purpose,
    categories: item.categories,
    consentId: item.consentId,
    transferId: item.transferId,
    receivedAt: item.receivedAt,
    useStopped: item.useStoppedAt !== null,
    useStoppedAt: item.useStoppedAt,
    useStoppedByItemId: item.useStoppedByItemId,
    acknowledged: item.acknowledgedAt !== null,
    acknowledgedAt: item.acknowledgedAt,
  }
}

async function agencyNames(deps: Pick<Deps, 'db'>): Promise<Map<string, string>> {
  return new Map((await listAgencies(deps.db)).map((a) => [a.id, a.name]))
}

export const inboxPageSize = 50

/**
 * The received items of the caller's agency, newest first, one page. Only staff have an inbox;
 * anyone else gets the same "not found" the object rule gives.
 */
export async function listInbox(
  deps: Pick<Deps, 'db'>,
  input: { caller: InboxCaller; limit: number; offset: number },
): Promise<InboxItemSummary[]> {
  const { rule } = input.caller
  if (rule.kind !== 'staff')
    throw new InboxError('ERR_INBOX_ITEM_NOT_FOUND', 'Only staff have an inbox.')
  const [items, names] = await Promise.all([
    listInboxItems(deps.db, { agencyId: rule.agencyId, limit: input.limit, offset: input.offset }),
    agencyNames(deps),
  ])
  return items.map((item) => summaryOf(item, names))
}

/** The item if the rule lets the caller take `action` on it; else "not found". */
async function loadAuthorized(
  deps: Pick<Deps, 'db'>,
  caller: InboxCaller,
  id: string,
  action: 'view' | 'acknowledge',
): Promise<InboxItemRecord> {
  const item = await findInboxItem(deps.db, id)
  const verdict = item
    ? authorizeInboxAction(caller.rule, action, item)
    : ({ allowed: false, code: 'ERR_INBOX_ITEM_NOT_FOUND', message: 'No such item.' } as const)
  if (!item || !verdict.allowed)
    throw new InboxError('ERR_INBOX_ITEM_NOT_FOUND', 'No such item in your inbox.')
  return item
}

/**
 * Decrypts the stored message with the receiving agency's key and verifies its signature again
 * at the instant it was received (RFC 8551 §3; the receive pipeline checked the CRLs then), so
 * what is shown is exactly what was verified. The plaintext lives in memory for this answer only:
 * never stored, never logged.
 */
async function decryptItem(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'log' | 'config'>,
  item: InboxItemRecord,
): Promise<Buffer> {
  if (item.envelope === null)
    throw new InboxError('ERR_INBOX_CONTENT_GONE', 'The message was deleted after its retention.', {
      details: { itemId: item.id },
    })
  // Every current key of the agency: an item sealed to the certificate a rollover is retiring
  // still opens during the overlap.
  const [keys, sender, anchors] = await Promise.all([
    decryptionKeysOf(deps, item.recipientAgencyId, deps.clock.now()),
    item.senderAgencyId ? findAgency(deps.db, item.senderAgencyId) : undefined,
    listTrustAnchors(deps.db),
  ])
  if (keys.length === 0)
    throw new InboxError('ERR_INBOX_CONTENT_UNREADABLE', 'The agency has no usable key.', {
      details: { itemId: item.id, problem: 'key_missing' },
    })
  let opened: DecryptAndVerifyResult | undefined
  for (const key of keys) {
    opened = decryptAndVerify({
      message: Buffer.from(item.envelope, 'latin1'),
      recipient: { key: key.key, certificate: key.certificate },
      trustAnchors: anchors.map((a) => decodePem(a.certificatePem, 'CERTIFICATE')),
      crlPolicy: 'if-present',
      ...(sender ? { expectedSenderEmail: sender.mailbox } : {}),
      at: new Date(item.receivedAt),
    })
    if (opened.ok || opened.code !== 'ERR_CMS_NOT_FOR_US') break
  }
  if (opened === undefined)
    throw new InboxError('ERR_INBOX_CONTENT_UNREADABLE', 'The agency has no usable key.', {
      details: { itemId: item.id, problem: 'key_missing' },
    })
  if (!opened.ok)
    throw new InboxError('ERR_INBOX_CONTENT_UNREADABLE', 'The stored message does not open.', {
      details: { itemId: item.id, cmsCode: opened.code },
    })
  return opened.mimeEntity
}

/** `inbox_item_viewed`: who opened which item, and how (the page, the API, the PDF, an attachment). */
async function auditViewed(
  deps: Pick<Deps, 'db' | 'clock'>,
  caller: InboxCaller,
  item: InboxItemRecord,
  how: { via: 'api' | 'page' | 'pdf' } | { via: 'attachment'; attachmentIndex: number },
): Promise<void> {
  await appendAuditEvent(deps.db, {
    at: deps.clock.now(),
    actor: caller.actor,
    event: {
      type: 'inbox_item_viewed',
      itemId: item.id,
      kind: item.kind,
      agencyId: item.recipientAgencyId,
      ...(item.senderAgencyId ? { senderAgencyId: item.senderAgencyId } : {}),
      ...(item.consentId ? { consentId: item.consentId } : {}),
      ...(item.subjectPseudonym ? { subjectPseudonym: item.subjectPseudonym } : {}),
      ...how,
    },
  })
}

/** Opens one item for the receiving agency's staff, audited as viewed (`via` says where). */
export async function openInboxItem(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'log' | 'config'>,
  input: { caller: InboxCaller; id: string; via: 'api' | 'page' | 'pdf' },
): Promise<InboxItemDetail> {
  const item = await loadAuthorized(deps, input.caller, input.id, 'view')
  const entity = await decryptItem(deps, item)
  const content = await readInboxMessage(entity, item.kind)
  await auditViewed(deps, input.caller, item, { via: input.via })
  return {
    ...summaryOf(item, await agencyNames(deps)),
    subject: content.subject,
    person: content.person,
    consent: { id: item.consentId, attestation: attestationSummaryOf(item.attestationJson) },
    necessity: content.necessity,
    sections: content.sections,
    noticeText: content.noticeText,
    attachments: content.attachments,
    purposeBinding: coverSheetTexts.purposeBinding,
  }
}

/**
 * One attachment of an item for the receiving agency's staff (a PDF the sender attached), after
 * the same rule as opening the item; audited as viewed `via: 'attachment'` with its index.
 * `ERR_INBOX_ITEM_NOT_FOUND` for another agency's item and for an index the item does not have.
 */
export async function openInboxAttachment(
  deps: Pick<Deps, 'db' | 'clock' | 'relay' | 'log' | 'config'>,
  input: { caller: InboxCaller; id: string; index: number },
): Promise<InboxAttachment> {
  const item = await loadAuthorized(deps, input.caller, input.id, 'view')
  const attachment = await readInboxAttachment(await decryptItem(deps, item), input.index)
  if (!attachment) throw new InboxError('ERR_INBOX_ITEM_NOT_FOUND', 'No such attachment.')
  await auditViewed(deps, input.caller, item, { via: 'attachment', attachmentIndex: input.index })
  return attachment
}

/**
 * Staff of the receiving agency take note of an item — for a stopped item, that its further use
 * must stop; for a notice, that it arrived. Idempotent: a second acknowledgement changes nothing
 * and writes no entry.
 */
export async function acknowledgeInbox(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { caller: InboxCaller; id: string },
): Promise<InboxItemSummary> {
  const item = await loadAuthorized(deps, input.caller, input.id, 'acknowledge')
  const at = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const changed = await acknowledgeInboxItem(trx, {
      id: item.id,
      recipientAgencyId: item.recipientAgencyId,
      userId: input.caller.userId,
      at,
    })
    if (changed)
      await appendAuditEvent(trx, {
        at,
        actor: input.caller.actor,
        event: {
          type: 'inbox_item_acknowledged',
          itemId: item.id,
          kind: item.kind,
          agencyId: item.recipientAgencyId,
          ...(item.consentId ? { consentId: item.consentId } : {}),
          useStopped: item.useStoppedAt !== null,
        },
      })
  })
  const after = await findInboxItem(deps.db, item.id)
  return summaryOf(after ?? item, await agencyNames(deps))
}
