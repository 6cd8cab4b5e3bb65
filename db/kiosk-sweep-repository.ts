import type { Kysely, Transaction } from 'kysely'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * Deletes every kiosk state last touched at or before `idleSince` — the same wipe as
 * `clearKioskState`, for all idle devices at once — and returns the kiosks wiped. One statement:
 * a kiosk that acts while the sweep runs is either wiped before its action or keeps its state.
 */
export async function clearIdleKioskStates(db: Executor, idleSince: Date): Promise<string[]> {
  const rows = await db
    .deleteFrom('kiosk_states')
    .where('updated_at', '<=', idleSince.toISOString())
    .returning('kiosk_id')
    .execute()
  return rows.map((row) => row.kiosk_id)
}
