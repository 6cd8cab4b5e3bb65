import type { Principal } from '../../accounts/roles.ts'
import { authorizePartnerPause, leverScopeOf } from '../../consent/transfer-levers.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { listLeverTransfers, listPartnerPauses } from '../../db/transfer-lever-repository.ts'
import type { RelayLeversViewInput } from '../../templates/pages/admin/relay-levers-view.ts'
import type { Deps } from '../deps.ts'
import { leverActorOf } from '../relay/transfer-levers.ts'

/**
 * What the admin page's delivery section shows this admin: the waiting and failed transfers it
 * may act on and the partners it may pause — asked of the same rule the levers enforce.
 */
export async function loadRelayLevers(
  deps: Pick<Deps, 'db'>,
  principal: Principal,
): Promise<Omit<RelayLeversViewInput, 'csrfToken'>> {
  const actor = leverActorOf(principal)
  const scope = leverScopeOf(actor)
  const [transfers, pauses, agencies] = await Promise.all([
    scope ? listLeverTransfers(deps.db, { senderAgencyId: scope.senderAgencyId, limit: 200 }) : [],
    listPartnerPauses(deps.db),
    listAgencies(deps.db),
  ])
  return {
    transfers,
    pauses,
    pausableAgencyIds: agencies
      .map((agency) => agency.id)
      .filter((id) => authorizePartnerPause(actor, id).allowed),
  }
}
