import { appendAuditEvent, erasePersonalData } from '../../db/audit-repository.ts'
import { purgeComposerDrafts } from '../../db/composer-draft-repository.ts'
import { purgeInboxItems } from '../../db/inbox-repository.ts'
import { purgeSenderCopies } from '../../db/transfer-copy-repository.ts'
import { dropStaleEnvelopes } from '../../db/transfer-lever-repository.ts'
import { eraseEndedConsents } from '../consent/consent-retention.ts'
import type { Deps } from '../deps.ts'
import { auditSettingsOf } from './audit-settings.ts'

export interface PurgeOutcome {
  auditBefore: string
  entriesErased: number
  consentsBefore: string
  consentsPurged: number
  /** Sealed messages of failed or uncertain transfers dropped (FAILED_MESSAGE_RETENTION_DAYS). */
  messagesDropped: number
  /** Inbound items deleted after INBOX_RETENTION_DAYS (received or quarantined). */
  inboxItemsPurged: number
  /** Senders' sealed copies of transfers deleted after TRANSFER_COPY_RETENTION_DAYS. */
  transferCopiesPurged: number
  /** Composer drafts deleted COMPOSER_DRAFT_RETENTION_DAYS after their last change. */
  composerDraftsPurged: number
  /** False when a scheduled run found nothing to do and so wrote no entry. */
  recorded: boolean
}

const dayMs = 86_400_000

/**
 * Retention (Art. 5(1)(e) GDPR), in one transaction: erases the personal values — subject
 * pseudonym, a youth actor's pseudonym, login names, stated reasons — of audit entries older
 * than AUDIT_RETENTION_DAYS, and deletes the consent records whose time is up
 * (consent/retention.ts: CONSENT_RETENTION_DAYS after a consent that took effect ended,
 * DRAFT_RETENTION_HOURS after a draft was declined, discarded or left unsigned past its
 * validity), each with a `consent_erased` entry, and drops the sealed messages failed or uncertain
 * transfers kept for the retry lever after FAILED_MESSAGE_RETENTION_DAYS, and deletes what partner
 * gateways delivered to the inbox after INBOX_RETENTION_DAYS (the sealed message and its
 * metadata; staff keep what they need in their case file), and the sending agencies' sealed copies
 * of their transfers after TRANSFER_COPY_RETENTION_DAYS, and composer drafts (sealed case
 * summaries in progress) COMPOSER_DRAFT_RETENTION_DAYS after their last change. Entries keep their hashes and salted
 * commitments, so the chain, the Merkle tree and all checkpoints still verify. The purge is itself
 * audited (`retention_purged`); a scheduled run that changed nothing writes no entry (`quiet`),
 * so an hourly schedule does not fill the log with empty purges.
 */
export async function purgeExpiredData(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  options: { quiet?: boolean } = {},
): Promise<PurgeOutcome> {
  const settings = auditSettingsOf(deps.config)
  const now = deps.clock.now()
  const auditBefore = new Date(now.getTime() - settings.auditRetentionDays * dayMs)
  const consentsBefore = new Date(now.getTime() - settings.consentRetentionDays * dayMs)
  return deps.db.transaction().execute(async (trx) => {
    const entriesErased = await erasePersonalData(trx, { before: auditBefore, at: now })
    const consentsPurged = await eraseEndedConsents(trx, {
      now,
      retention: {
        consentRetentionDays: settings.consentRetentionDays,
        draftRetentionHours: settings.draftRetentionHours,
      },
    })
    const messagesDropped = await dropStaleEnvelopes(trx, {
      before: new Date(now.getTime() - settings.failedMessageRetentionDays * dayMs),
    })
    const inboxItemsPurged = await purgeInboxItems(trx, {
      before: new Date(now.getTime() - settings.inboxRetentionDays * dayMs),
    })
    const transferCopiesPurged = await purgeSenderCopies(trx, {
      before: new Date(now.getTime() - settings.transferCopyRetentionDays * dayMs),
    })
    const composerDraftsPurged = await purgeComposerDrafts(trx, {
      changedBefore: new Date(now.getTime() - settings.composerDraftRetentionDays * dayMs),
    })
    const recorded =
      !options.quiet ||
      composerDraftsPurged > 0 ||
      transferCopiesPurged > 0 ||
      entriesErased > 0 ||
      consentsPurged > 0 ||
      messagesDropped > 0 ||
      inboxItemsPurged > 0
    if (recorded)
      await appendAuditEvent(trx, {
        at: now,
        actor: 'system',
        event: {
          type: 'retention_purged',
          auditBefore: auditBefore.toISOString(),
          entriesErased,
          consentsPurged,
          ...(messagesDropped > 0 ? { messagesDropped } : {}),
          ...(inboxItemsPurged > 0 ? { inboxItemsPurged } : {}),
          ...(transferCopiesPurged > 0 ? { transferCopiesPurged } : {}),
          ...(composerDraftsPurged > 0 ? { composerDraftsPurged } : {}),
        },
      })
    return {
      auditBefore: auditBefore.toISOString(),
      entriesErased,
      consentsBefore: consentsBefore.toISOString(),
      consentsPurged,
      messagesDropped,
      inboxItemsPurged,
      transferCopiesPurged,
      composerDraftsPurged,
      recorded,
    }
  })
}
