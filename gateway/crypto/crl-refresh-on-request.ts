import { mayAdminister } from '../../accounts/admin-permissions.ts'
import { actorOf, type Principal } from '../../accounts/roles.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import { refreshCrls, type CrlRefreshOutcome } from './crl-refresh.ts'
import type { CrlFetcher } from './crl-source.ts'

/**
 * Who asks for the refresh: an account (the admin page, `POST /api/v1/crls/refresh`), checked
 * against the object rule, or the operator's shell (`brucke cert refresh-crls`).
 */
export type CrlRefreshRequester = { kind: 'account'; principal: Principal } | { kind: 'shell' }

/**
 * Every CRL fetched now, on request — the same round `brucke serve` runs every
 * CRL_REFRESH_MINUTES (crl-refresh.ts). For the moment a CA announced a revocation (a key
 * compromise): waiting up to an hour for the periodic round would leave the revoked certificate
 * in use. Only the instance's administration may ask (accounts/admin-permissions.ts); the
 * request is audited with its counts, never the URLs' answers.
 */
export async function refreshCrlsOnRequest(
  deps: Pick<Deps, 'db' | 'clock' | 'log' | 'metrics'>,
  input: { by: CrlRefreshRequester; fetchCrl?: CrlFetcher },
): Promise<CrlRefreshOutcome> {
  const { by } = input
  if (by.kind === 'account' && !mayAdminister(by.principal, { kind: 'crl_refresh' }))
    throw new ApiError('forbidden', 'Only the administration of the whole instance fetches CRLs.')
  const outcome = await refreshCrls(deps, input.fetchCrl ? { fetchCrl: input.fetchCrl } : {})
  await appendAuditEvent(deps.db, {
    at: deps.clock.now(),
    actor: by.kind === 'account' ? actorOf(by.principal) : 'system',
    event: {
      type: 'crl_refresh_requested',
      sources: outcome.sources,
      updated: outcome.updated,
      failed: outcome.failed.length,
    },
  })
  return outcome
}
