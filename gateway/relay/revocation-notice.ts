import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import { z } from 'zod'
import { buildConsentAttestation } from '../../consent/consent-attestation.ts'
import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { findAttestationSource } from '../../db/consent-repository.ts'
import {
  insertQueuedTransfer,
  listRevocationNoticesDue,
  type DueRevocationNotice,
} from '../../db/transfer-repository.ts'
import type { Deps } from '../deps.ts'
import {
  attestationAttachment,
  attestationHashHeader,
  encodeAttestation,
} from './attestation-part.ts'
import type { RelaySettings } from './relay-settings.ts'
import { sealMessage } from './seal-message.ts'

const endingTextsSchema = z.strictObject({
  subject: z.string().min(1),
  heading: z.string().min(1),
  intro: z.string().min(1),
  endedAt: z.string().min(1),
  /** What the end means for the data already received; the first of the duties. */
  effect: z.string().min(1),
})

const noticeTextsSchema = z.strictObject({
  revoked: endingTextsSchema,
  lapsed_at_majority: endingTextsSchema,
  labels: z.strictObject({
    consent: z.string(),
    purpose: z.string(),
    transfers: z.string(),
  }),
  duties: z.array(z.string().min(1)).min(1),
  closing: z.string().min(1),
})

/** The notice's wording (templates/mail/revocation-notice.json), validated at start. */
export const revocationNoticeTexts = noticeTextsSchema.parse(
  JSON.parse(
    readFileSync(new URL('../../templates/mail/revocation-notice.json', import.meta.url), 'utf8'),
  ),
)

/** The value of `X-Brucke-Notice` by how the consent ended, for receiving systems. */
const noticeKinds = { revoked: 'consent-revoked', lapsed_at_majority: 'consent-lapsed' } as const

/**
 * The notice as text/plain: that the consent was revoked — or lapsed, when the youth did not
 * confirm it on coming of age (nobody revoked it, and the notice must not say so) — which
 * transfers, when, and what the law asks of the recipient.
 */
export function renderRevocationNotice(notice: DueRevocationNotice): string {
  const t = revocationNoticeTexts
  const ending = t[notice.ending]
  const lines = [
    ending.heading,
    '',
    `Sehr geehrte Damen und Herren,`,
    '',
    ending.intro,
    '',
    `${t.labels.consent}: ${notice.consentId}`,
    `${ending.endedAt}: ${notice.endedAt}`,
    `${t.labels.purpose}: ${notice.purpose}`,
    '',
    `${t.labels.transfers}:`,
    ...notice.transfers.map(
      (x) => `  - ${x.id}, ${x.deliveredAt ?? '—'}, ${x.categories.join(', ')}`,
    ),
    '',
    ...[ending.effect, ...t.duties].flatMap((d) => [d, '']),
    t.closing,
    '',
  ]
  return lines.join('\n')
}

const noticesPerRound = 20

/** How far before the previous round a revocation may lie and still be found: commits can lag. */
const revocationGraceMs = 10 * 60_000

/** How far one delivery worker has looked for ended consents, kept from one round to the next. */
export interface RevocationSweep {
  /** Consents revoked or lapsed before this instant have been looked at; undefined: none yet. */
  sweptUntil?: string
}

/** A worker's sweep before its first round: the first look reads the whole history. */
export function newRevocationSweep(): RevocationSweep {
  return {}
}

/**
 * Queues one signed and encrypted revocation notice (docs/design.md §3.1: revocation effective for
 * the future; issue point 9) per consent, sender and recipient that exchanged data under a now
 * revoked consent. The Message-ID is derived from that triple and unique in the table, so two
 * workers racing here queue it once. Returns how many notices were queued.
 */
export async function queueRevocationNotices(input: {
  deps: Pick<Deps, 'db' | 'clock' | 'log' | 'relay'>
  settings: RelaySettings
  revocationSweep: RevocationSweep
}): Promise<number> {
  const { deps } = input
  const roundStartedAt = deps.clock.now()
  // After the first full look, each round only reads consents revoked since the previous round
  // (less a grace period for revocations committed late), not the whole transfer history.
  const since = input.revocationSweep.sweptUntil
  const due = await listRevocationNoticesDue(deps.db, noticesPerRound, since)
  let queued = 0
  let earliestWaiting: string | undefined
  for (const notice of due) {
    const now = deps.clock.now()
    const [signer, recipient, sender, source] = await Promise.all([
      deps.relay.keyring.signer(notice.senderAgencyId, now),
      deps.relay.keyring.recipient(notice.recipientAgencyId, now),
      findAgency(deps.db, notice.senderAgencyId),
      findAttestationSource(deps.db, notice.consentId),
    ])
    if (!signer.ok || !recipient || !sender) {
      deps.log.warn(
        { consentId: notice.consentId, recipientAgencyId: notice.recipientAgencyId },
        'revocation notice waits: no signing key or recipient certificate',
      )
      if (earliestWaiting === undefined || notice.endedAt < earliestWaiting)
        earliestWaiting = notice.endedAt
      continue
    }
    const key = createHash('sha256')
      .update(`${notice.consentId}|${notice.senderAgencyId}|${notice.recipientAgencyId}`)
      .digest('hex')
      .slice(0, 24)
    const id = `rvn_${key}`
    const domain = sender.mailbox.slice(sender.mailbox.lastIndexOf('@') + 1)
    const messageId = `<${id}@${domain}>`
    const text = renderRevocationNotice(notice)
    // The consent as it stands now (revoked or lapsed): the recipient matches it to the
    // attestations of the transfers it received. A consent already erased is noticed without.
    const attestation = source ? encodeAttestation(buildConsentAttestation(source, now)) : undefined
    if (!attestation)
      deps.log.warn(
        { consentId: notice.consentId },
        'revocation notice without attestation: consent erased',
      )
    const entity = await new MailComposer({
      from: { name: sender.name, address: sender.mailbox },
      to: recipient.mailbox,
      subject: `${revocationNoticeTexts[notice.ending].subject} (${notice.consentId})`,
      messageId,
      date: now,
      headers: {
        'X-Brucke-Notice': noticeKinds[notice.ending],
        'X-Brucke-Transfer-Id': id,
        'X-Brucke-Consent-Id': notice.consentId,
        'X-Brucke-Related-Transfers': notice.transfers.map((x) => x.id).join(', '),
        'X-Brucke-Sender': notice.senderAgencyId,
        'X-Brucke-Recipient': notice.recipientAgencyId,
        ...(attestation ? { [attestationHashHeader]: attestation.sha256 } : {}),
      },
      text,
      textEncoding: 'base64',
      attachments: attestation ? [attestationAttachment(attestation)] : [],
    })
      .compile()
      .build()
    const sealed = sealMessage({
      entity,
      signer: signer.identity,
      recipient,
      encryptToSender: false,
      at: now,
      transferId: id,
      messageId,
    })
    const categories = [...new Set(notice.transfers.flatMap((x) => x.categories))].sort()
    try {
      await deps.db.transaction().execute(async (trx) => {
        await insertQueuedTransfer(trx, {
          id,
          kind: 'revocation_notice',
          senderAgencyId: notice.senderAgencyId,
          recipientAgencyId: notice.recipientAgencyId,
          senderMailbox: sealed.senderMailbox,
          recipientMailbox: sealed.recipientMailbox,
          staffId: 'system',
          consentId: notice.consentId,
          purpose: notice.purpose,
          categories,
          subjectPseudonym: notice.subjectPseudonym,
          relatedTransferIds: notice.transfers.map((x) => x.id),
          plaintextSha256: createHash('sha256').update(text).digest('hex'),
          envelopeSha256: sealed.sha256,
          messageId,
          envelope: sealed.raw,
          at: now,
          giveUpAt: new Date(now.getTime() + input.settings.retryHorizonMs),
        })
        await appendAuditEvent(trx, {
          at: now,
          actor: 'system',
          event: {
            type: 'transfer_queued',
            transferId: id,
            kind: 'revocation_notice',
            consentId: notice.consentId,
            subjectPseudonym: notice.subjectPseudonym,
            senderAgencyId: notice.senderAgencyId,
            recipientAgencyId: notice.recipientAgencyId,
            purpose: notice.purpose,
            categories,
            channel: 'system',
            decision: 'permit',
            plaintextSha256: createHash('sha256').update(text).digest('hex'),
            envelopeSha256: sealed.sha256,
            messageId,
          },
        })
      })
      queued++
    } catch (error) {
      // Another worker queued the same notice first (unique id / Message-ID): nothing to do.
      deps.log.info({ err: error, noticeId: id }, 'revocation notice already queued')
    }
  }
  // A full page may hide more: look again from the same point. A waiting notice is looked for
  // again from its revocation on.
  if (due.length < noticesPerRound) {
    const graceStart = new Date(roundStartedAt.getTime() - revocationGraceMs).toISOString()
    input.revocationSweep.sweptUntil =
      earliestWaiting !== undefined && earliestWaiting < graceStart ? earliestWaiting : graceStart
  }
  return queued
}
