import { mayAdminister } from '../../accounts/admin-permissions.ts'
import type { Principal } from '../../accounts/roles.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { listKioskDevices, type KioskDeviceRecord } from '../../db/kiosk-device-repository.ts'
import type { KioskActivity, KioskRowView } from '../../templates/pages/admin/kiosks-view.ts'
import type { Deps } from '../deps.ts'

function activityOf(device: KioskDeviceRecord): KioskActivity {
  if (device.disabled) return { kind: 'locked' }
  if (device.flow !== null)
    return {
      kind: 'in_use',
      step: device.flow.step,
      majority: device.flow.purpose === 'confirm_majority',
      since: new Date(device.flow.startedAt),
    }
  if (device.pushedAt !== null) return { kind: 'draft_waiting', since: new Date(device.pushedAt) }
  return device.liveSessions > 0 ? { kind: 'ready' } : { kind: 'signed_out' }
}

/**
 * What `/admin/kiosks` shows this admin (issue 18 point 7): the kiosk devices the object rule
 * lets it see, with state and last use — never the consent or the person on the screen.
 */
export async function loadKioskRows(
  deps: Pick<Deps, 'db' | 'config'>,
  principal: Principal,
  at: Date,
): Promise<KioskRowView[]> {
  const [devices, agencies] = await Promise.all([
    listKioskDevices(deps.db, { at, idleMinutes: deps.config.sessionIdleMinutes }),
    listAgencies(deps.db),
  ])
  const names = new Map(agencies.map((a) => [a.id, a.name]))
  return devices
    .filter((device) =>
      mayAdminister(principal, {
        kind: 'kiosk',
        action: 'view',
        kiosk: { role: 'kiosk', agencyId: device.agencyId, allAgencies: false },
      }),
    )
    .map((device) => ({
      id: device.id,
      displayName: device.displayName,
      agencyName: device.agencyId === null ? '–' : (names.get(device.agencyId) ?? device.agencyId),
      activity: activityOf(device),
      lastUsedAt: device.lastUsedAt === null ? null : new Date(device.lastUsedAt),
      locked: device.disabled,
      mayLock: mayAdminister(principal, {
        kind: 'kiosk',
        action: device.disabled ? 'unlock' : 'lock',
        kiosk: { role: 'kiosk', agencyId: device.agencyId, allAgencies: false },
      }),
    }))
}
