import { appendAuditEvent, erasePersonalData } from '../../db/audit-repository.ts'
import type { Transaction } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import type { Deps } from '../deps.ts'
import { auditSettingsOf } from './audit-settings.ts'

/**
 * The consent side of retention, installed by the consent area: removes (or anonymises) consent
 * records that ended before `endedBefore` and returns how many. It runs in the purge's
 * transaction, so the `retention_purged` entry and the removal commit together.
 */
export type ConsentRetentionHook = (
  trx: Transaction<Tables>,
  input: { endedBefore: Date; now: Date },
) => Promise<number>

const consentHooks: ConsentRetentionHook[] = []

/** Registers the consent area's purge; see docs/dpo-guide.en.md "Retention". */
export function registerConsentRetentionHook(hook: ConsentRetentionHook): void {
  if (!consentHooks.includes(hook)) consentHooks.push(hook)
}

export interface PurgeOutcome {
  auditBefore: string
  entriesErased: number
  consentsBefore: string
  /** Undefined when no consent hook is installed. */
  consentsPurged: number | undefined
}

const dayMs = 86_400_000

/**
 * Retention (Art. 5(1)(e) GDPR): erases the personal values — subject pseudonym, a youth
 * actor's pseudonym, login names, stated reasons — of audit entries older than
 * AUDIT_RETENTION_DAYS, and lets the consent area remove consents ended more than
 * CONSENT_RETENTION_DAYS ago. Entries keep their hashes and salted commitments, so the chain,
 * the Merkle tree and all checkpoints still verify. The purge is itself audited.
 */
export async function purgeExpiredData(deps: Deps): Promise<PurgeOutcome> {
  const settings = auditSettingsOf(deps.config)
  const now = deps.clock.now()
  const auditBefore = new Date(now.getTime() - settings.auditRetentionDays * dayMs)
  const consentsBefore = new Date(now.getTime() - settings.consentRetentionDays * dayMs)
  return deps.db.transaction().execute(async (trx) => {
    const entriesErased = await erasePersonalData(trx, { before: auditBefore, at: now })
    let consentsPurged: number | undefined
    for (const hook of consentHooks)
      consentsPurged =
        (consentsPurged ?? 0) + (await hook(trx, { endedBefore: consentsBefore, now }))
    await appendAuditEvent(trx, {
      at: now,
      actor: 'system',
      event: {
        type: 'retention_purged',
        auditBefore: auditBefore.toISOString(),
        entriesErased,
        ...(consentsPurged !== undefined ? { consentsPurged } : {}),
      },
    })
    return {
      auditBefore: auditBefore.toISOString(),
      entriesErased,
      consentsBefore: consentsBefore.toISOString(),
      consentsPurged,
    }
  })
}
