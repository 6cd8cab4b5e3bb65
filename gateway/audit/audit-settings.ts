import type { Config } from '../runtime-config.ts'

/** Defaults of the audit configuration keys (config/schema.ts), applied where they are read. */
export const auditDefaults = {
  /** Personal values in audit entries are erased this long after the entry (3 years). */
  auditRetentionDays: 1095,
  /** Consent records are removed this long after they ended (3 years). */
  consentRetentionDays: 1095,
  /** Declined, discarded and abandoned drafts are deleted this long after they ended (3 days). */
  draftRetentionHours: 72,
  /** How often `brucke serve` runs the retention purge (hourly). */
  retentionPurgeIntervalMinutes: 60,
  /** A signed checkpoint every 5 minutes when the log grew. */
  auditCheckpointIntervalSeconds: 300,
} as const

export interface AuditSettings {
  auditRetentionDays: number
  consentRetentionDays: number
  draftRetentionHours: number
  retentionPurgeIntervalMinutes: number
  auditCheckpointIntervalSeconds: number
}

export function auditSettingsOf(given: Config): AuditSettings {
  return {
    auditRetentionDays: given.auditRetentionDays ?? auditDefaults.auditRetentionDays,
    consentRetentionDays: given.consentRetentionDays ?? auditDefaults.consentRetentionDays,
    draftRetentionHours: given.draftRetentionHours ?? auditDefaults.draftRetentionHours,
    retentionPurgeIntervalMinutes:
      given.retentionPurgeIntervalMinutes ?? auditDefaults.retentionPurgeIntervalMinutes,
    auditCheckpointIntervalSeconds:
      given.auditCheckpointIntervalSeconds ?? auditDefaults.auditCheckpointIntervalSeconds,
  }
}
