import type { Config } from '../runtime-config.ts'

/** The audit configuration keys (config/schema.ts: AUDIT_*, CONSENT_RETENTION_DAYS, FAILED_MESSAGE_RETENTION_DAYS, INBOX_RETENTION_DAYS, TRANSFER_COPY_RETENTION_DAYS, COMPOSER_DRAFT_RETENTION_DAYS). */
export interface AuditSettings {
  auditRetentionDays: number
  consentRetentionDays: number
  draftRetentionHours: number
  failedMessageRetentionDays: number
  inboxRetentionDays: number
  transferCopyRetentionDays: number
  composerDraftRetentionDays: number
  retentionPurgeIntervalMinutes: number
  auditCheckpointIntervalSeconds: number
}

export function auditSettingsOf(config: Config): AuditSettings {
  return {
    auditRetentionDays: config.auditRetentionDays,
    consentRetentionDays: config.consentRetentionDays,
    draftRetentionHours: config.draftRetentionHours,
    failedMessageRetentionDays: config.failedMessageRetentionDays,
    inboxRetentionDays: config.inboxRetentionDays,
    transferCopyRetentionDays: config.transferCopyRetentionDays,
    composerDraftRetentionDays: config.composerDraftRetentionDays,
    retentionPurgeIntervalMinutes: config.retentionPurgeIntervalMinutes,
    auditCheckpointIntervalSeconds: config.auditCheckpointIntervalSeconds,
  }
}
