import { createHash } from 'node:crypto'
import { z } from 'zod'
import { parseContentType } from '../../crypto/smime-message.ts'
import { decryptAndVerify, type DecryptAndVerifyResult } from '../../crypto/smime.ts'
import {
  appendAuditEvent,
  appendAuditEventsOfChange,
  type AppendAuditInput,
} from '../../db/audit-repository.ts'
import {
  findHostedRecipient,
  findInboundItemByMessage,
  insertInboundItem,
  type HostedAgency,
  type HostedRecipient,
} from '../../db/inbound-repository.ts'
import { isUniqueViolation } from '../../db/unique-violation.ts'
import { validateRegisteredCertificate } from '../crypto/certificate-service.ts'
import {
  findRegisteredSigner,
  loadValidationMaterial,
  type ValidationMaterial,
} from '../crypto/crl-source.ts'
import type { Deps } from '../deps.ts'
import {
  attestationCoversTransfer,
  type ConsentAttestation,
} from '../../consent/consent-attestation.ts'
import { honourEndingNotice } from '../inbox/honour-notice.ts'
import { readPartnerReceipt } from '../receipts/partner-receipt.ts'
import {
  insertPartnerReceipt,
  preparePartnerReceipt,
  sendPartnerReceipt,
  type PartnerReceiptInput,
  type PreparedPartnerReceipt,
} from '../receipts/queue-partner-receipt.ts'
import { recordPartnerReceipt } from '../receipts/record-partner-receipt.ts'
import { readAttestation } from '../relay/attestation-part.ts'
import { decryptionKeysOf } from './decryption-keys.ts'
import type { InboundRefusalReason } from './inbound-refusal.ts'
import { readHeaderFields, valuesOf, type HeaderField } from './mime-headers.ts'

type ReceiveDeps = Pick<Deps, 'db' | 'config' | 'clock' | 'ids' | 'log' | 'relay' | 'auditAppender'>

export type InboundChannel = 'smtp' | 'local'
export type InboundKind = 'case_summary' | 'revocation_notice' | 'lapse_notice'

export interface ReceiveInput {
  /** The message exactly as it arrived (RFC 5322, outer headers + S/MIME body). */
  raw: Buffer
  /** The SMTP envelope's RCPT TO addresses (`local`: the transfer's recipient mailbox). */
  envelopeRecipients: readonly string[]
  channel: InboundChannel
  /**
   * `local` only: the pseudonym the sending side of this same instance already computed (same
   * pseudonym key). A partner's message carries no name, so its items have none.
   */
  subjectPseudonym?: string | null
  /** Largest message accepted (INBOUND_SMTP_MAX_BYTES). */
  maxBytes?: number
  /**
   * The hosted agency (with its decryption certificates) the SMTP listener already found for the
   * envelope's recipient at RCPT: not read a second time. Without it, it is looked up here.
   */
  hostedRecipient?: HostedRecipient
}

/** What the binding headers inside the signature said, once every check passed. */
export interface VerifiedInbound {
  kind: InboundKind
  senderAgencyId: string
  recipientAgencyId: string
  messageId: string
  transferId: string
  consentId: string
  purpose: string | null
  categories: string[]
  /** The verified inner entity (plaintext): for the seams only, never stored or logged. */
  mimeEntity: Buffer
  /** Set on a signed receipt: the transfer (sent from here) it answers. */
  receiptFor: string | undefined
}

/**
 * The pipeline's answer. `accepted` (also for a message seen before: `duplicate`), or `refused`
 * with its reason; a refusal on the `local` channel (nobody to answer at SMTP level) is kept
 * `quarantined`. The seams plug in here: fed-receipts' `queuePartnerReceipt` after each decision on
 * a case summary, fed-inbox's `honourEndingNotice` after a stored notice.
 */
export type ReceiveResult =
  | {
      outcome: 'accepted'
      itemId: string
      duplicate: boolean
      kind: InboundKind
      senderAgencyId: string
      recipientAgencyId: string
      transferId: string
      consentId: string
    }
  | {
      /** A partner's signed receipt for a transfer sent from here, recorded on that transfer. */
      outcome: 'receipt'
      transferId: string
      /** False when one was recorded before (the first receipt counts). */
      recorded: boolean
    }
  | {
      outcome: 'refused'
      reason: InboundRefusalReason
      /** Set when the refusal was kept as a quarantined item. */
      quarantinedItemId?: string
      recipientAgencyId?: string
      senderAgencyId?: string
      transferId?: string
    }

/** What a refusal knows of the message: only what was read inside a verified signature. */
interface RefusalFacts {
  senderAgencyId?: string
  transferId?: string
  messageId?: string
  /** What the signed headers said it was: only a case summary is answered with a receipt. */
  kind?: InboundKind | 'receipt'
}

class Refusal extends Error {
  constructor(
    readonly reason: InboundRefusalReason,
    readonly facts: RefusalFacts = {},
  ) {
    super(reason)
  }
}

const idValue = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/)
const term = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/)
const messageIdValue = z.string().regex(/^<[^<>\s]{1,300}>$/)
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

/** The binding headers the sender signs (gateway/relay/compose-message.ts, revocation-notice.ts). */
const bindingNames = [
  'x-brucke-transfer-id',
  'x-brucke-consent-id',
  'x-brucke-consent-text-sha256',
  'x-brucke-purpose',
  'x-brucke-categories',
  'x-brucke-entrusted-categories',
  'x-brucke-sender',
  'x-brucke-recipient',
  'x-brucke-notice',
  'x-brucke-related-transfers',
  'x-brucke-receipt-for',
  'message-id',
]

/**
 * Receives one sealed message for a hosted agency (issue 16, point 3): nothing is kept unless it
 * decrypts with the agency's key, its signature verifies against the trust anchors and CRLs, the
 * signer's registered certificate belongs to the agency named in the signed `X-Brucke-Sender`,
 * and the signed `X-Brucke-Recipient` is the receiving agency. Every binding fact is read from
 * inside the signature; an outer header only has to agree. The item keeps the message as it
 * arrived (still encrypted) and verified metadata — never plaintext.
 */
export async function receiveSealedMessage(
  deps: ReceiveDeps,
  input: ReceiveInput,
): Promise<ReceiveResult> {
  const at = deps.clock.now()
  const envelopeSha256 = createHash('sha256').update(input.raw).digest('hex')
  const outer = readHeaderFields(input.raw)
  const outerMessageId = outer === undefined ? undefined : valuesOf(outer, 'message-id')[0]
  const hosted =
    input.hostedRecipient ?? (await firstHostedRecipient(deps, input.envelopeRecipients, at))
  const recipient = hosted?.agency
  try {
    if (hosted === undefined) throw new Refusal('recipient_not_hosted')
    if (input.maxBytes !== undefined && input.raw.length > input.maxBytes)
      throw new Refusal('too_large')
    if (outer === undefined || !isEncryptedSmime(outer)) throw new Refusal('not_smime')
    // The same bytes under the same Message-ID again (a partner that lost our 250): the first answer.
    const verified = await openAndCheck(deps, { input, outer, hosted, at })
    // A message seen before (a partner that lost our 250 sends it again) is not looked up first:
    // the item's unique Message-ID turns the second commit into the first answer (see store).
    if (verified.receiptFor !== undefined) return await takeReceipt(deps, verified)
    const attestation = checkAttestation(verified)
    // The accepted case summary's signed receipt is made before and queued in the same commit
    // as the item: one durable write, and never an item without its receipt or the reverse.
    const receipt =
      verified.kind === 'case_summary'
        ? await prepareReceipt(
            deps,
            {
              receivingAgencyId: verified.recipientAgencyId,
              senderAgencyId: verified.senderAgencyId,
              transferId: verified.transferId,
              messageId: verified.messageId,
              envelopeSha256,
              outcome: 'accepted',
            },
            hosted.agency,
          )
        : undefined
    const result = await store(deps, { input, verified, envelopeSha256, at, attestation, receipt })
    if (receipt !== undefined && result.outcome === 'accepted' && !result.duplicate)
      deps.relay.outbox.queued()
    return result
  } catch (error) {
    if (!(error instanceof Refusal)) throw error
    // A case summary whose signer was verified learns why it was refused, signed (point 7).
    if (
      recipient !== undefined &&
      error.facts.senderAgencyId !== undefined &&
      error.facts.transferId !== undefined &&
      error.facts.messageId !== undefined &&
      error.facts.kind === 'case_summary'
    )
      await answerWithReceipt(deps, {
        recipientAgencyId: recipient.id,
        senderAgencyId: error.facts.senderAgencyId,
        transferId: error.facts.transferId,
        messageId: error.facts.messageId,
        envelopeSha256,
        outcome: 'refused',
        reason: error.reason,
      })
    return refuse(deps, {
      input,
      reason: error.reason,
      recipient,
      senderAgencyId: error.facts.senderAgencyId,
      transferId: error.facts.transferId,
      messageId: error.facts.messageId ?? outerMessageId,
      envelopeSha256,
      at,
    })
  }
}

/** application/pkcs7-mime (or the x- form) with enveloped or authEnveloped data (RFC 8551 §3.3). */
function isEncryptedSmime(outer: readonly HeaderField[]): boolean {
  const value = valuesOf(outer, 'content-type')
  if (value.length !== 1 || value[0] === undefined) return false
  const { type, parameters } = parseContentType(value[0])
  if (type !== 'application/pkcs7-mime' && type !== 'application/x-pkcs7-mime') return false
  const smimeType = parameters.get('smime-type')?.toLowerCase()
  return (
    smimeType === undefined || smimeType === 'enveloped-data' || smimeType === 'authenveloped-data'
  )
}

async function duplicateOf(deps: ReceiveDeps, itemId: string): Promise<ReceiveResult> {
  const row = await deps.db
    .selectFrom('inbound_items')
    .select(['kind', 'sender_agency_id', 'recipient_agency_id', 'transfer_id', 'consent_id'])
    .where('id', '=', itemId)
    .executeTakeFirstOrThrow()
  return {
    outcome: 'accepted',
    itemId,
    duplicate: true,
    kind: row.kind as InboundKind,
    senderAgencyId: row.sender_agency_id ?? '',
    recipientAgencyId: row.recipient_agency_id,
    transferId: row.transfer_id ?? '',
    consentId: row.consent_id ?? '',
  }
}

/** The first envelope recipient that is an agency hosted here, with its decryption certificates. */
async function firstHostedRecipient(
  deps: ReceiveDeps,
  addresses: readonly string[],
  at: Date,
): Promise<HostedRecipient | undefined> {
  for (const address of addresses) {
    const found = await findHostedRecipient(deps.db, address, at)
    if (found !== undefined) return found
  }
  return undefined
}

/** Decrypts with each of the agency's keys, verifies, and checks signer and binding headers. */
async function openAndCheck(
  deps: ReceiveDeps,
  input: {
    input: ReceiveInput
    outer: HeaderField[]
    hosted: HostedRecipient
    at: Date
  },
): Promise<VerifiedInbound> {
  const { hosted, at } = input
  const recipient = hosted.agency
  // The trust material's counter came with the recipient's lookup (see loadValidationMaterial).
  const material = await loadValidationMaterial(deps, { at, knownVersion: hosted.materialVersion })
  let opened: DecryptAndVerifyResult | undefined
  for (const candidate of await decryptionKeysOf(deps, recipient.id, at, hosted.certificates)) {
    opened = decryptAndVerify({
      message: input.input.raw,
      recipient: candidate,
      trustAnchors: material.trustAnchors,
      crls: material.crls,
      crlPolicy: 'if-present',
      at,
      ...(input.input.maxBytes === undefined ? {} : { maxBytes: input.input.maxBytes }),
    })
    if (opened.ok || opened.code !== 'ERR_CMS_NOT_FOR_US') break
  }
  if (opened === undefined) throw new Refusal('not_for_recipient')
  if (!opened.ok) throw new Refusal(reasonOfCms(opened.code, opened.validationCode))
  const inner = readHeaderFields(opened.mimeEntity)
  if (inner === undefined) throw new Refusal('malformed')
  const contentType = valuesOf(inner, 'content-type')[0]
  const innerType = contentType === undefined ? '' : parseContentType(contentType).type
  if (
    innerType === 'multipart/signed' ||
    innerType === 'application/pkcs7-mime' ||
    innerType === 'application/x-pkcs7-mime'
  )
    throw new Refusal('nested')
  const headers = readBindingHeaders(inner)
  try {
    return await checkBound(deps, { ...input, recipient, headers, opened, inner, material })
  } catch (error) {
    if (!(error instanceof Refusal)) throw error
    // The signature verified, so these facts are the signer's words: kept with a quarantine.
    throw new Refusal(error.reason, {
      senderAgencyId: headers.sender,
      transferId: headers.transferId,
      messageId: headers.messageId,
      kind: headers.receiptFor === undefined ? headers.kind : 'receipt',
    })
  }
}

async function checkBound(
  deps: ReceiveDeps,
  input: {
    outer: HeaderField[]
    recipient: HostedAgency
    at: Date
    headers: BindingHeaders
    opened: Extract<DecryptAndVerifyResult, { ok: true }>
    inner: HeaderField[]
    material: ValidationMaterial
  },
): Promise<VerifiedInbound> {
  const { recipient, at, headers, opened, inner } = input
  await checkSigner(deps, {
    signer: opened.signer.certificate,
    senderAgencyId: headers.sender,
    at,
    material: input.material,
  })
  if (headers.recipient !== recipient.id) throw new Refusal('recipient_mismatch')
  checkOuterAgrees(input.outer, inner)
  return {
    kind: headers.kind,
    senderAgencyId: headers.sender,
    recipientAgencyId: recipient.id,
    messageId: headers.messageId,
    transferId: headers.transferId,
    consentId: headers.consentId,
    purpose: headers.purpose,
    categories: headers.categories,
    mimeEntity: opened.mimeEntity,
    receiptFor: headers.receiptFor,
  }
}

function reasonOfCms(code: string, validationCode: string | undefined): InboundRefusalReason {
  switch (code) {
    case 'ERR_CMS_NOT_FOR_US':
      return 'not_for_recipient'
    case 'ERR_CMS_DECRYPT':
      return 'decrypt_failed'
    case 'ERR_CMS_UNSUPPORTED':
      return 'unsupported'
    case 'ERR_CMS_NOT_SIGNED':
      return 'not_signed'
    case 'ERR_CMS_BAD_SIGNATURE':
      return 'bad_signature'
    case 'ERR_CMS_TOO_LARGE':
      return 'too_large'
    case 'ERR_CMS_SIGNER_UNTRUSTED':
      return reasonOfCertificate(validationCode)
    default:
      return 'malformed'
  }
}

function reasonOfCertificate(code: string | undefined): InboundRefusalReason {
  switch (code ?? '') {
    case 'ERR_CERT_REVOKED':
      return 'signer_revoked'
    case 'ERR_CERT_EXPIRED':
    case 'ERR_CERT_NOT_YET_VALID':
      return 'signer_expired'
    case 'ERR_CERT_CRL_MISSING':
    case 'ERR_CERT_CRL_EXPIRED':
    case 'ERR_CERT_CRL_INVALID':
      return 'signer_crl_unavailable'
    case 'ERR_CERT_KEY_USAGE':
    case 'ERR_CERT_EKU':
    case 'ERR_CERT_EMAIL_MISMATCH':
      return 'signer_invalid'
    default:
      return 'signer_untrusted'
  }
}

interface BindingHeaders {
  kind: InboundKind
  sender: string
  recipient: string
  messageId: string
  transferId: string
  consentId: string
  purpose: string | null
  categories: string[]
  receiptFor: string | undefined
}

/** Reads the signed binding headers; each at most once, each well-formed. */
function readBindingHeaders(inner: readonly HeaderField[]): BindingHeaders {
  for (const name of bindingNames)
    if (valuesOf(inner, name).length > 1) throw new Refusal('binding_header_invalid')
  const one = (name: string) => valuesOf(inner, name)[0]
  const required = (name: string, schema: z.ZodType<string>): string => {
    const value = one(name)
    if (value === undefined) throw new Refusal('binding_header_missing')
    const parsed = schema.safeParse(value)
    if (!parsed.success) throw new Refusal('binding_header_invalid')
    return parsed.data
  }
  const sender = required('x-brucke-sender', idValue)
  const recipient = required('x-brucke-recipient', idValue)
  const messageId = required('message-id', messageIdValue)
  const transferId = required('x-brucke-transfer-id', idValue)
  const receiptFor = one('x-brucke-receipt-for')
  // A receipt is made under no consent (gateway/receipts/partner-receipt.ts).
  const consentId = receiptFor === undefined ? required('x-brucke-consent-id', idValue) : ''
  const notice = one('x-brucke-notice')
  let kind: InboundKind = 'case_summary'
  if (notice === 'consent-revoked') kind = 'revocation_notice'
  else if (notice === 'consent-lapsed') kind = 'lapse_notice'
  else if (notice !== undefined) throw new Refusal('binding_header_invalid')
  if (kind !== 'case_summary' || receiptFor !== undefined)
    return {
      kind,
      sender,
      recipient,
      messageId,
      transferId,
      consentId,
      purpose: null,
      categories: [],
      receiptFor,
    }
  required('x-brucke-consent-text-sha256', z.string().regex(/^[0-9a-f]{64}$/))
  const purpose = required('x-brucke-purpose', term)
  const categories = required('x-brucke-categories', z.string().max(2000))
    .split(',')
    .map((c) => c.trim())
  if (categories.length === 0 || !categories.every((c) => term.safeParse(c).success))
    throw new Refusal('binding_header_invalid')
  return {
    kind,
    sender,
    recipient,
    messageId,
    transferId,
    consentId,
    purpose,
    categories,
    receiptFor,
  }
}

/**
 * The verified signer certificate must be registered here for the agency the signed
 * `X-Brucke-Sender` names, not withdrawn, not retired by a rollover, and valid for signing with
 * that agency's mailbox against the CRLs its CA requires.
 */
async function checkSigner(
  deps: ReceiveDeps,
  input: { signer: Buffer; senderAgencyId: string; at: Date; material: ValidationMaterial },
): Promise<void> {
  // Registered certificates are keyed by the SHA-256 of their DER: a hash, not a second parse.
  const fingerprint = createHash('sha256').update(input.signer).digest('hex')
  const found = await findRegisteredSigner(deps.db, input.material, fingerprint)
  if (found === undefined) throw new Refusal('signer_not_registered')
  const { record, mailbox } = found
  if (record.agencyId !== input.senderAgencyId) throw new Refusal('signer_agency_mismatch')
  if (record.status !== 'active') throw new Refusal('signer_revoked')
  // A certificate a rollover retired is accepted until then, not after (migration 0210).
  const retireAt = record.retireAt ?? null
  if (retireAt !== null && retireAt.getTime() <= input.at.getTime())
    throw new Refusal('signer_retired')
  const validation = await validateRegisteredCertificate(deps, {
    record,
    mailbox,
    at: input.at,
    usage: 'sign',
    material: input.material,
  })
  if (!validation.ok) throw new Refusal(reasonOfCertificate(validation.code))
}

/** An outer header that has a signed counterpart must say the same; the signed one counts. */
function checkOuterAgrees(outer: readonly HeaderField[], inner: readonly HeaderField[]): void {
  for (const name of bindingNames) {
    const outside = valuesOf(outer, name)
    if (outside.length === 0) continue
    const inside = valuesOf(inner, name)
    if (outside.length !== inside.length || outside.some((value, i) => value !== inside[i]))
      throw new Refusal('header_mismatch')
  }
}

async function store(
  deps: ReceiveDeps,
  input: {
    input: ReceiveInput
    verified: VerifiedInbound
    envelopeSha256: string
    at: Date
    attestation: ConsentAttestation | null
    /** The signed receipt to queue beside the item (a case summary), when one could be made. */
    receipt: PreparedPartnerReceipt | undefined
  },
): Promise<ReceiveResult> {
  const { verified, at } = input
  const itemId = deps.ids.newId('inb')
  try {
    await deps.db.transaction().execute(async (trx) => {
      await insertInboundItem(trx, {
        id: itemId,
        kind: verified.kind,
        status: 'received',
        recipientAgencyId: verified.recipientAgencyId,
        senderAgencyId: verified.senderAgencyId,
        messageId: verified.messageId,
        transferId: verified.transferId,
        consentId: verified.consentId,
        subjectPseudonym: input.input.subjectPseudonym ?? null,
        purpose: verified.purpose,
        categories: verified.categories,
        attestationJson: input.attestation === null ? null : JSON.stringify(input.attestation),
        envelope: input.input.raw.toString('latin1'),
        envelopeSha256: input.envelopeSha256,
        refusalReason: null,
        receivedAt: at,
      })
      const received: AppendAuditInput = {
        at,
        actor: 'system',
        event: {
          type: 'inbound_received',
          itemId,
          kind: verified.kind,
          channel: input.input.channel,
          senderAgencyId: verified.senderAgencyId,
          recipientAgencyId: verified.recipientAgencyId,
          transferId: verified.transferId,
          consentId: verified.consentId,
          messageIdSha256: sha256Hex(verified.messageId),
          envelopeSha256: input.envelopeSha256,
        },
      }
      const entries: AppendAuditInput[] = [received]
      // A revocation or lapse notice stops further use of what came under that consent (point 6);
      // its own entry goes first, before the entries of the stops it causes.
      if (verified.kind !== 'case_summary') {
        await appendAuditEventsOfChange(trx, entries.splice(0))
        await honourEndingNotice(trx, {
          recipientAgencyId: verified.recipientAgencyId,
          consentId: verified.consentId,
          noticeItemId: itemId,
          at,
        })
      }
      const receiptSent =
        input.receipt === undefined ? undefined : await insertPartnerReceipt(trx, input.receipt)
      if (receiptSent !== undefined) entries.push(receiptSent)
      // The item's and its receipt's entries in one append (three statements, not six).
      if (entries.length > 0) await appendAuditEventsOfChange(trx, entries)
    })
  } catch (error) {
    // Another copy of the same message committed first: that one is the answer.
    if (!isUniqueViolation(error)) throw error
    const seen = await findInboundItemByMessage(
      deps.db,
      verified.recipientAgencyId,
      verified.messageId,
    )
    if (seen?.status === 'received') return duplicateOf(deps, seen.id)
    throw error
  }
  deps.log.info(
    {
      itemId,
      kind: verified.kind,
      sender: verified.senderAgencyId,
      recipient: verified.recipientAgencyId,
      channel: input.input.channel,
    },
    'inbound: message received',
  )
  return {
    outcome: 'accepted',
    itemId,
    duplicate: false,
    kind: verified.kind,
    senderAgencyId: verified.senderAgencyId,
    recipientAgencyId: verified.recipientAgencyId,
    transferId: verified.transferId,
    consentId: verified.consentId,
  }
}

/**
 * Records a refusal: on SMTP only the audit entry (the partner gets the reply); on the `local`
 * channel — already past any SMTP answer — a quarantined item with its reason, keeping the
 * message encrypted as it was, never its plaintext.
 */
async function refuse(
  deps: ReceiveDeps,
  input: {
    input: ReceiveInput
    reason: InboundRefusalReason
    recipient: HostedAgency | undefined
    senderAgencyId: string | undefined
    transferId: string | undefined
    messageId: string | undefined
    envelopeSha256: string
    at: Date
  },
): Promise<ReceiveResult> {
  const { at, recipient } = input
  const event = {
    type: 'inbound_refused' as const,
    reason: input.reason,
    channel: input.input.channel,
    senderAgencyId: input.senderAgencyId ?? null,
    recipientAgencyId: recipient?.id ?? null,
    messageIdSha256: input.messageId === undefined ? null : sha256Hex(input.messageId),
    envelopeSha256: input.envelopeSha256,
  }
  let quarantinedItemId: string | undefined
  if (input.input.channel === 'local' && recipient !== undefined) {
    const itemId = deps.ids.newId('inb')
    const messageId = input.messageId ?? `<${input.envelopeSha256}@quarantine>`
    try {
      await deps.db.transaction().execute(async (trx) => {
        await insertInboundItem(trx, {
          id: itemId,
          kind: 'case_summary',
          status: 'quarantined',
          recipientAgencyId: recipient.id,
          senderAgencyId: input.senderAgencyId ?? null,
          messageId,
          transferId: input.transferId ?? null,
          consentId: null,
          subjectPseudonym: null,
          purpose: null,
          categories: [],
          attestationJson: null,
          envelope: input.input.raw.toString('latin1'),
          envelopeSha256: input.envelopeSha256,
          refusalReason: input.reason,
          receivedAt: at,
        })
        await appendAuditEvent(trx, {
          at,
          actor: 'system',
          event: { ...event, outcome: 'quarantined', itemId },
        })
      })
      quarantinedItemId = itemId
    } catch (error) {
      // The same message quarantined before: once is enough.
      if (!isUniqueViolation(error)) throw error
    }
  } else {
    await deps.auditAppender.append({
      at,
      actor: 'system',
      event: { ...event, outcome: 'refused' },
    })
  }
  deps.log.info(
    {
      reason: input.reason,
      recipient: recipient?.id,
      sender: input.senderAgencyId,
      channel: input.input.channel,
      quarantined: quarantinedItemId !== undefined,
    },
    'inbound: message refused',
  )
  return {
    outcome: 'refused',
    reason: input.reason,
    ...(quarantinedItemId === undefined ? {} : { quarantinedItemId }),
    ...(recipient === undefined ? {} : { recipientAgencyId: recipient.id }),
    ...(input.senderAgencyId === undefined ? {} : { senderAgencyId: input.senderAgencyId }),
    ...(input.transferId === undefined ? {} : { transferId: input.transferId }),
  }
}

/**
 * The consent attestation inside the signature (issue 16 point 4): a case summary must carry one
 * that matches its signed hash and covers the signed sender, recipient, purpose and categories at
 * the instant it was issued (when the sender decided); a notice carries one for the record (its
 * status is revoked or lapsed by nature, and an erased consent leaves none).
 */
function checkAttestation(verified: VerifiedInbound): ConsentAttestation | null {
  const facts = {
    senderAgencyId: verified.senderAgencyId,
    transferId: verified.transferId,
    messageId: verified.messageId,
    kind: verified.kind,
  }
  const read = readAttestation(verified.mimeEntity)
  if (verified.kind !== 'case_summary') return read.ok ? read.attestation : null
  if (!read.ok)
    throw new Refusal(
      read.reason === 'attestation_missing' ? 'attestation_missing' : 'attestation_mismatch',
      facts,
    )
  const covered = attestationCoversTransfer(read.attestation, {
    sender: verified.senderAgencyId,
    recipient: verified.recipientAgencyId,
    purpose: verified.purpose ?? '',
    categories: verified.categories,
    at: new Date(read.attestation.issuedAt),
  })
  if (!covered.ok || read.attestation.consentId !== verified.consentId)
    throw new Refusal('attestation_mismatch', facts)
  return read.attestation
}

/** A partner's signed receipt: recorded on the transfer it answers (issue 16 point 7). */
async function takeReceipt(deps: ReceiveDeps, verified: VerifiedInbound): Promise<ReceiveResult> {
  const facts = {
    senderAgencyId: verified.senderAgencyId,
    transferId: verified.transferId,
    messageId: verified.messageId,
    kind: 'receipt' as const,
  }
  const read = readPartnerReceipt(verified.mimeEntity)
  if (!read.ok) throw new Refusal('receipt_rejected', facts)
  const recorded = await recordPartnerReceipt(deps, {
    signerAgencyId: verified.senderAgencyId,
    receipt: read.receipt,
  })
  if (!recorded.ok && recorded.reason !== 'duplicate') throw new Refusal('receipt_rejected', facts)
  return {
    outcome: 'receipt',
    transferId: read.receipt.receiptFor,
    recorded: recorded.ok,
  }
}

/**
 * Makes the signed receipt for an accepted case summary, outside any transaction; when none can
 * be made (no signing key, no valid certificate of the sender) that is logged and the item is
 * kept all the same.
 */
async function prepareReceipt(
  deps: ReceiveDeps,
  input: PartnerReceiptInput,
  receiving: HostedAgency,
): Promise<PreparedPartnerReceipt | undefined> {
  try {
    const made = await preparePartnerReceipt(deps, input, receiving)
    if (made.ok) return made.prepared
    deps.log.warn(
      { transferId: input.transferId, senderAgencyId: input.senderAgencyId, problem: made.problem },
      'inbound: no receipt can be made',
    )
  } catch (error) {
    deps.log.error({ err: error, transferId: input.transferId }, 'inbound: receipt not made')
  }
  return undefined
}

/**
 * Queues the signed receipt for a case summary whose signer was verified; a failure to queue it
 * is logged and never changes the answer to the message itself.
 */
async function answerWithReceipt(
  deps: ReceiveDeps,
  input: {
    recipientAgencyId: string
    senderAgencyId: string
    transferId: string
    messageId: string
    envelopeSha256: string
    outcome: 'accepted' | 'refused'
    reason?: string
  },
): Promise<void> {
  try {
    await sendPartnerReceipt(deps, {
      receivingAgencyId: input.recipientAgencyId,
      senderAgencyId: input.senderAgencyId,
      transferId: input.transferId,
      messageId: input.messageId,
      outcome: input.outcome,
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      envelopeSha256: input.envelopeSha256,
    })
  } catch (error) {
    deps.log.error({ err: error, transferId: input.transferId }, 'inbound: receipt not queued')
  }
}
