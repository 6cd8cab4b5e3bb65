import type { Kysely, Transaction } from 'kysely'
import {
  kioskPurposeSchema,
  kioskStepSchema,
  type KioskPurpose,
  type KioskStep,
} from './kiosk-repository.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * A kiosk device as the admin page shows it (issue 18 point 7): the account, what the device is
 * doing now, whether it is signed in, and when it was last used. Nothing about the person on it.
 */
export interface KioskDeviceRecord {
  id: string
  displayName: string
  agencyId: string | null
  disabled: boolean
  /** The flow on screen now, without the consent or the person. */
  flow: { purpose: KioskPurpose; step: KioskStep; startedAt: string; updatedAt: string } | null
  /** When a draft was pushed to the device and waits to be taken; null when none waits. */
  pushedAt: string | null
  /** Browser sessions alive at `at` (not expired, not idle). */
  liveSessions: number
  /** Its last request through a browser session, or its last audited action, whichever is later. */
  lastUsedAt: string | null
}

/** Every kiosk device with its state at `at`; `idleMinutes` is the session idle limit. */
export async function listKioskDevices(
  db: Executor,
  input: { at: Date; idleMinutes: number },
): Promise<KioskDeviceRecord[]> {
  const kiosks = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'agency_id', 'disabled'])
    .where('role', '=', 'kiosk')
    .orderBy('agency_id')
    .orderBy('id')
    .execute()
  if (kiosks.length === 0) return []
  const ids = kiosks.map((k) => k.id)
  const actors = ids.map((id) => `kiosk:${id}`)
  const idleSince = new Date(input.at.getTime() - input.idleMinutes * 60_000).toISOString()
  const [states, pushes, sessions, lastAudited] = await Promise.all([
    db
      .selectFrom('kiosk_states')
      .select(['kiosk_id', 'purpose', 'step', 'started_at', 'updated_at'])
      .where('kiosk_id', 'in', ids)
      .execute(),
    db
      .selectFrom('kiosk_pushes')
      .select(['kiosk_id', 'pushed_at'])
      .where('kiosk_id', 'in', ids)
      .execute(),
    db
      .selectFrom('sessions')
      .select(['user_id', 'last_seen_at', 'expires_at'])
      .where('user_id', 'in', ids)
      .execute(),
    db
      .selectFrom('audit_entries')
      .select(['actor', (eb) => eb.fn.max('at').as('last_at')])
      .where('actor', 'in', actors)
      .groupBy('actor')
      .execute(),
  ])
  const now = input.at.toISOString()
  return kiosks.map((kiosk) => {
    const state = states.find((s) => s.kiosk_id === kiosk.id)
    const own = sessions.filter((s) => s.user_id === kiosk.id)
    const live = own.filter((s) => s.expires_at > now && s.last_seen_at > idleSince)
    const seen = [
      ...own.map((s) => s.last_seen_at),
      ...lastAudited.filter((a) => a.actor === `kiosk:${kiosk.id}`).map((a) => String(a.last_at)),
    ].sort()
    return {
      id: kiosk.id,
      displayName: kiosk.display_name,
      agencyId: kiosk.agency_id,
      disabled: Number(kiosk.disabled) === 1,
      flow:
        state === undefined
          ? null
          : {
              purpose: kioskPurposeSchema.parse(state.purpose),
              step: kioskStepSchema.parse(state.step),
              startedAt: state.started_at,
              updatedAt: state.updated_at,
            },
      pushedAt: pushes.find((p) => p.kiosk_id === kiosk.id)?.pushed_at ?? null,
      liveSessions: live.length,
      lastUsedAt: seen.at(-1) ?? null,
    }
  })
}
