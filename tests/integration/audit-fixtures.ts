import type { AuditEvent } from '../../audit/audit-event.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../../gateway/deps.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import type { TestClock } from '../support/test-clock.ts'

/** The i-th test event: every third names a subject (a personal field), the rest are plain. */
export function sampleEvent(i: number): AuditEvent {
  if (i % 3 === 0)
    return {
      type: 'pseudonym_resolved',
      subjectPseudonym: `psn_subject_${i % 7}`,
      statedReason: `Auskunftsersuchen Nr. ${i}`,
      agencyId: i % 2 === 0 ? 'jc-demo' : 'aa-demo',
      found: true,
    }
  if (i % 3 === 1) return { type: 'login_failed', username: `user${i}`, reason: 'bad_password' }
  return { type: 'configuration_changed', what: `setting ${i}` }
}

/** Appends entries `from`..`to` (1-based), one second apart, optionally signing checkpoints. */
export async function appendSamples(
  deps: Deps,
  clock: TestClock,
  count: number,
  options: { checkpointsAt?: number[]; startAt?: number } = {},
): Promise<void> {
  const start = options.startAt ?? 1
  for (let i = start; i < start + count; i++) {
    clock.advance(1000)
    await appendAuditEvent(deps.db, { at: clock.now(), actor: 'system', event: sampleEvent(i) })
    if (options.checkpointsAt?.includes(i)) await writeCheckpoint(deps)
  }
}
