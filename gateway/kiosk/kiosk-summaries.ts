import { z } from 'zod'
import { termIdSchema } from '../../consent/vocabulary.ts'
import { summarySha256Of } from '../relay/transfer-service.ts'
import { KioskError } from './kiosk-error.ts'

/** The case summary a single-transfer consent is bound to, as staff push it to the kiosk. */
export const kioskSummarySchema = z.strictObject({
  sections: z
    .array(
      z.strictObject({
        category: termIdSchema,
        title: z.string().trim().min(1).max(200),
        body: z.string().trim().min(1).max(100_000),
      }),
    )
    .min(1)
    .max(50),
})
export type KioskSummary = z.infer<typeof kioskSummarySchema>

/**
 * Case summaries waiting on kiosks, held in this process's memory only: the summary is case
 * content, and nothing of it may reach the disk in clear (docs/design.md §3.3 point 4). After a restart
 * staff push it again; the kiosk shows the bound hash meanwhile. Keyed by kiosk, one at a time.
 * One store per running gateway (`Deps.kioskSummaries`).
 */
export interface KioskSummaryStore {
  /**
   * Keeps the summary for a kiosk after checking it is exactly the one the consent is bound to
   * (same SHA-256 as the relay computes for the transfer, attachments excluded).
   */
  hold(input: {
    kioskId: string
    consentId: string
    boundSha256: string
    summary: KioskSummary
  }): void
  /** The summary held for this kiosk and consent, if any. */
  onKiosk(kioskId: string, consentId: string): KioskSummary | undefined
  /** Part of the wipe. */
  drop(kioskId: string): void
}

export function createKioskSummaryStore(): KioskSummaryStore {
  const summaries = new Map<string, { consentId: string; summary: KioskSummary }>()
  return {
    hold({ kioskId, consentId, boundSha256, summary }) {
      if (summarySha256Of(summary.sections, []) !== boundSha256)
        throw new KioskError(
          'ERR_KIOSK_SUMMARY_MISMATCH',
          'This summary is not the one the consent is bound to.',
        )
      summaries.set(kioskId, { consentId, summary })
    },
    onKiosk(kioskId, consentId) {
      const held = summaries.get(kioskId)
      return held?.consentId === consentId ? held.summary : undefined
    },
    drop(kioskId) {
      summaries.delete(kioskId)
    },
  }
}
