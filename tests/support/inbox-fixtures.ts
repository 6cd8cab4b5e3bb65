import { createHash, randomBytes } from 'node:crypto'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import type { Deps } from '../../gateway/deps.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import { buildConsentAttestation } from '../../consent/consent-attestation.ts'
import {
  composeMessage,
  type SummaryAttachment,
  type SummarySection,
} from '../../gateway/relay/compose-message.ts'
import { renderRevocationNotice } from '../../gateway/relay/revocation-notice.ts'
import { sealMessage } from '../../gateway/relay/seal-message.ts'

/**
 * Inbox items made the way the receive pipeline (fed-inbound) will store them: a real case summary
 * or revocation notice, composed and sealed by the relay code with the sending agency's key to
 * the hosted receiving agency's certificate, and a row in `inbound_items` with the metadata that
 * was verified inside the signature. Needs the relay PKI registered (registerRelayPki).
 */

function agency(id: string) {
  const found = demoAgencies.find((a) => a.id === id)
  if (!found) throw new Error(`no demo agency ${id}`)
  return { id: found.id, name: found.name, mailbox: found.mailbox }
}

async function sealFor(
  deps: Pick<Deps, 'relay'>,
  input: {
    from: string
    to: string
    entity: Buffer
    at: Date
    transferId: string
    messageId: string
  },
): Promise<{ raw: string; sha256: string }> {
  const signer = await deps.relay.keyring.signer(input.from, input.at)
  const recipient = await deps.relay.keyring.recipient(input.to, input.at)
  if (!signer.ok || !recipient) throw new Error('relay PKI not registered')
  const sealed = sealMessage({
    entity: input.entity,
    signer: signer.identity,
    recipient,
    encryptToSender: false,
    at: input.at,
    transferId: input.transferId,
    messageId: input.messageId,
  })
  return { raw: sealed.raw, sha256: sealed.sha256 }
}

interface ItemRow {
  id: string
  kind: 'case_summary' | 'revocation_notice' | 'lapse_notice'
  from: string
  to: string
  messageId: string
  transferId: string
  consentId: string
  subjectPseudonym: string
  purpose: string | null
  categories: readonly string[]
  attestation: object | null
  raw: string
  sha256: string
  at: Date
}

async function insertItem(deps: Pick<Deps, 'db'>, row: ItemRow): Promise<void> {
  await deps.db
    .insertInto('inbound_items')
    .values({
      id: row.id,
      kind: row.kind,
      status: 'received',
      recipient_agency_id: row.to,
      sender_agency_id: row.from,
      message_id: row.messageId,
      transfer_id: row.transferId,
      consent_id: row.consentId,
      subject_pseudonym: row.subjectPseudonym,
      purpose: row.purpose,
      categories: JSON.stringify(row.categories),
      attestation_json: row.attestation ? JSON.stringify(row.attestation) : null,
      envelope: row.raw,
      envelope_sha256: row.sha256,
      received_at: row.at.toISOString(),
    })
    .execute()
}

export interface CaseSummaryFixture {
  from: string
  to: string
  consentId: string
  purpose?: string
  sections: SummarySection[]
  necessity?: string
  person?: { name: string; birthDate: string }
  attestation?: object | null
  at: Date
  /** When the pipeline stored it, if not at `at` (retention tests). */
  receivedAt?: Date
  /** Stored as quarantined instead of received (a message that failed a check). */
  quarantined?: boolean
  /** Attachments as the composer carries them (a PDF, tagged with its category). */
  attachments?: SummaryAttachment[]
}

/** A sealed case summary in the receiving agency's inbox; returns its item id and the raw mail. */
export async function deliverCaseSummary(
  deps: Pick<Deps, 'db' | 'relay'>,
  input: CaseSummaryFixture,
): Promise<{ id: string; raw: string }> {
  const suffix = randomBytes(6).toString('hex')
  const transferId = `trf_${suffix}`
  const messageId = `<${transferId}@${input.from}.example>`
  const purpose = input.purpose ?? 'hilfeplanung'
  const categories = [...new Set(input.sections.map((s) => s.category))]
  const composed = await composeMessage({
    transferId,
    messageId,
    at: input.at,
    form: 'uebergabebogen',
    sender: agency(input.from),
    recipient: agency(input.to),
    consent: {
      id: input.consentId,
      textSha256: createHash('sha256').update(input.consentId).digest('hex'),
      validFrom: '2026-01-01',
      validUntil: '2027-06-30',
    },
    attestation: buildConsentAttestation(
      {
        id: input.consentId,
        kind: 'einwilligung',
        scope: 'standing',
        senders: [input.from],
        recipients: [input.to],
        purposes: [purpose],
        categories,
        deselectedCategories: [],
        deselectedRecipients: [],
        validFrom: '2026-01-01',
        validUntil: '2027-06-30',
        entrustedCategories: [],
        requiredSignatories: ['youth'],
        discardedAt: null,
        declinedAt: null,
        lapsedAt: null,
        renewedAt: null,
        text: {
          templateId: 'einwilligung-standard',
          version: 1,
          sha256: createHash('sha256').update(input.consentId).digest('hex'),
        },
        signatures: [
          { role: 'youth', signedAt: '2026-01-01T09:00:00.000Z', method: 'kiosk_drawn' },
        ],
        revocation: null,
      },
      input.at,
    ),
    ...(input.person ? { person: input.person } : {}),
    purpose,
    categories,
    entrustedCategories: [],
    necessity: input.necessity ?? 'Abstimmung des Hilfeplans vor dem Gespräch.',
    sections: input.sections,
    attachments: input.attachments ?? [],
  })
  const entity = composed
  const sealed = await sealFor(deps, { ...input, entity, transferId, messageId })
  const id = `inb_${suffix}`
  await insertItem(deps, {
    id,
    kind: 'case_summary',
    from: input.from,
    to: input.to,
    messageId,
    transferId,
    consentId: input.consentId,
    subjectPseudonym: `psn_${suffix}`,
    purpose,
    categories,
    attestation: input.attestation ?? null,
    raw: sealed.raw,
    sha256: sealed.sha256,
    at: input.receivedAt ?? input.at,
  })
  if (input.quarantined)
    await deps.db
      .updateTable('inbound_items')
      .set({ status: 'quarantined', refusal_reason: 'attestation_mismatch' })
      .where('id', '=', id)
      .execute()
  return { id, raw: sealed.raw }
}

/** A sealed revocation (or lapse) notice in the receiving agency's inbox; returns its item id. */
export async function deliverEndingNotice(
  deps: Pick<Deps, 'db' | 'relay'>,
  input: {
    from: string
    to: string
    consentId: string
    ending: 'revoked' | 'lapsed_at_majority'
    relatedTransferIds: string[]
    at: Date
  },
): Promise<{ id: string }> {
  const suffix = randomBytes(6).toString('hex')
  const transferId = `rvn_${suffix}`
  const messageId = `<${transferId}@${input.from}.example>`
  const sender = agency(input.from)
  const text = renderRevocationNotice({
    consentId: input.consentId,
    senderAgencyId: input.from,
    recipientAgencyId: input.to,
    subjectPseudonym: `psn_${suffix}`,
    purpose: 'hilfeplanung',
    endedAt: input.at.toISOString(),
    ending: input.ending,
    transfers: input.relatedTransferIds.map((id) => ({
      id,
      deliveredAt: input.at.toISOString(),
      categories: ['schule'],
    })),
  })
  const entity = await new MailComposer({
    from: { name: sender.name, address: sender.mailbox },
    to: agency(input.to).mailbox,
    subject: `Widerruf (${input.consentId})`,
    messageId,
    date: input.at,
    headers: {
      'X-Brucke-Notice': input.ending === 'revoked' ? 'consent-revoked' : 'consent-lapsed',
      'X-Brucke-Transfer-Id': transferId,
      'X-Brucke-Consent-Id': input.consentId,
      'X-Brucke-Sender': input.from,
      'X-Brucke-Recipient': input.to,
    },
    text,
    textEncoding: 'base64',
  })
    .compile()
    .build()
  const sealed = await sealFor(deps, { ...input, entity, transferId, messageId })
  const id = `inb_${suffix}`
  await insertItem(deps, {
    id,
    kind: input.ending === 'revoked' ? 'revocation_notice' : 'lapse_notice',
    from: input.from,
    to: input.to,
    messageId,
    transferId,
    consentId: input.consentId,
    subjectPseudonym: `psn_${suffix}`,
    purpose: null,
    categories: [],
    attestation: null,
    raw: sealed.raw,
    sha256: sealed.sha256,
    at: input.at,
  })
  return { id }
}
