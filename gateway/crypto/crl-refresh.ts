import { decodePem, decodePemAll, encodePem, isPem } from '../../crypto/certificate-pem.ts'
import { parseCertificate } from '../../crypto/certificate-parse.ts'
import type { ParsedCertificate } from '../../crypto/certificate-parse.ts'
import { findCrlIssuer } from '../../crypto/crl-issuer.ts'
import { parseCrl } from '../../crypto/crl-parse.ts'
import { CertificateError } from '../../crypto/errors.ts'
import {
  listAgencyCertificates,
  listCachedCrls,
  listTrustAnchors,
  saveCachedCrl,
} from '../../db/certificate-repository.ts'
import type { TrustAnchorRecord } from '../../db/certificate-repository.ts'
import { recordCrlFetchFailure, saveFetchedCrl } from '../../db/crl-fetch-repository.ts'
import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'
import { httpCrlFetcher } from './crl-source.ts'
import type { CrlFetcher } from './crl-source.ts'

/** What one refresh round did: every source tried, how many brought a newer CRL, which failed. */
export interface CrlRefreshOutcome {
  sources: number
  updated: number
  failed: { url: string; error: string }[]
}

type RefreshDeps = Pick<Deps, 'db' | 'clock' | 'log'> & {
  metrics?: Pick<Deps['metrics'], 'crlRefreshFailure'>
}

/**
 * One round of the CRL refresh (issue 16, point 8): fetches every trust anchor's configured CRL
 * URL and every cRLDistributionPoint of the registered certificates and of the intermediate CAs
 * in their chains. A CRL is kept only when a known CA (a trust anchor or a registered
 * intermediate) signed it, and only when it is newer than the one stored for that URL — and, for
 * an anchor's CRL, newer than the anchor's cached CRL. A failed source is logged, counted and
 * recorded with its error; the CRL stored before stays in use while it is current.
 */
export async function refreshCrls(
  deps: RefreshDeps,
  input: { fetchCrl?: CrlFetcher } = {},
): Promise<CrlRefreshOutcome> {
  const fetchCrl = input.fetchCrl ?? httpCrlFetcher
  const anchors = await listTrustAnchors(deps.db)
  const certificates = await listAgencyCertificates(deps.db)
  const anchorCertificates = anchors.map((anchor) =>
    parseCertificate(decodePem(anchor.certificatePem, 'CERTIFICATE')),
  )
  const intermediates = uniqueCertificates(
    certificates.flatMap((record) =>
      decodePemAll(record.chainPem, 'CERTIFICATE').map((der) => parseCertificate(der)),
    ),
  )
  const issuers = [...anchorCertificates, ...intermediates]
  const urls = new Set<string>()
  for (const anchor of anchors) if (anchor.crlUrl !== null) urls.add(anchor.crlUrl)
  const holders = [
    ...certificates.map((record) =>
      parseCertificate(decodePem(record.certificatePem, 'CERTIFICATE')),
    ),
    ...intermediates,
  ]
  for (const holder of holders) for (const url of holder.crlDistributionPoints) urls.add(url)

  return fetchCrlSources(deps, { urls, issuers, anchors, fetchCrl })
}

/**
 * Fetches the CRLs of a certificate about to be imported (its distribution points and those of
 * its chain), so a certificate from an intermediate CA whose CRL is published only at a
 * distribution point validates at import; issuers are the trust anchors and the given chain.
 */
export async function fetchDistributionPointCrls(
  deps: RefreshDeps,
  input: { certificates: Buffer[]; fetchCrl?: CrlFetcher },
): Promise<CrlRefreshOutcome> {
  const anchors = await listTrustAnchors(deps.db)
  const parsed = input.certificates.map((der) => parseCertificate(der))
  const issuers = [
    ...anchors.map((anchor) => parseCertificate(decodePem(anchor.certificatePem, 'CERTIFICATE'))),
    ...parsed.filter((certificate) => certificate.basicConstraints?.ca === true),
  ]
  const urls = new Set(parsed.flatMap((certificate) => certificate.crlDistributionPoints))
  return fetchCrlSources(deps, {
    urls,
    issuers,
    anchors,
    fetchCrl: input.fetchCrl ?? httpCrlFetcher,
  })
}

async function fetchCrlSources(
  deps: RefreshDeps,
  input: {
    urls: Set<string>
    issuers: ParsedCertificate[]
    anchors: TrustAnchorRecord[]
    fetchCrl: CrlFetcher
  },
): Promise<CrlRefreshOutcome> {
  const { urls, issuers, anchors, fetchCrl } = input
  const outcome: CrlRefreshOutcome = { sources: urls.size, updated: 0, failed: [] }
  for (const url of [...urls].sort()) {
    const at = deps.clock.now()
    try {
      const bytes = await fetchCrl(url)
      const der = isPem(bytes) ? decodePem(bytes.toString('utf8'), 'X509 CRL') : bytes
      const crl = parseCrl(der)
      const issuer = findCrlIssuer(crl, issuers)
      if (issuer === undefined) {
        throw new CertificateError(
          'ERR_CERT_CRL_INVALID',
          'the CRL was not signed by a trusted or registered CA',
          { details: { issuer: crl.issuer } },
        )
      }
      const crlPem = encodePem(crl.der, 'X509 CRL')
      const stored = await saveFetchedCrl(deps.db, {
        url,
        issuerId: issuer.fingerprintSha256,
        issuerSubject: issuer.subject,
        crlPem,
        thisUpdate: crl.thisUpdate,
        nextUpdate: crl.nextUpdate ?? null,
        at,
      })
      // An anchor's CRL also refreshes the anchor's cache, which `brucke_crl_age_seconds` reads.
      const anchor = anchors.find((candidate) => candidate.id === issuer.fingerprintSha256)
      if (anchor !== undefined) {
        const cached = (await listCachedCrls(deps.db)).find((c) => c.trustAnchorId === anchor.id)
        if (cached === undefined || cached.thisUpdate < crl.thisUpdate) {
          await saveCachedCrl(deps.db, {
            trustAnchorId: anchor.id,
            crlPem,
            thisUpdate: crl.thisUpdate,
            nextUpdate: crl.nextUpdate ?? null,
            fetchedAt: at,
          })
        }
      }
      if (stored) outcome.updated += 1
    } catch (error) {
      const message =
        error instanceof CertificateError
          ? `${error.code}: ${error.message}`
          : error instanceof Error
            ? error.message
            : String(error)
      outcome.failed.push({ url, error: message })
      deps.metrics?.crlRefreshFailure()
      deps.log.warn(
        { url, err: message },
        'CRL refresh failed; the stored CRL stays in use while current',
      )
      await recordCrlFetchFailure(deps.db, { url, at, error: message })
    }
  }
  return outcome
}

function uniqueCertificates(certificates: ParsedCertificate[]): ParsedCertificate[] {
  const byFingerprint = new Map(certificates.map((c) => [c.fingerprintSha256, c]))
  return [...byFingerprint.values()]
}

/**
 * The CRL refresher of `brucke serve`: {@link refreshCrls} at start and every
 * `CRL_REFRESH_MINUTES` (0 = never; `brucke cert refresh-crls` runs one round by hand).
 */
export function startCrlRefresher(
  deps: Pick<Deps, 'db' | 'clock' | 'log' | 'config' | 'metrics'>,
  input: { fetchCrl?: CrlFetcher } = {},
): Service | undefined {
  const minutes = deps.config.crlRefreshMinutes
  if (minutes === 0) return undefined
  return startPeriodicService({
    name: 'crl-refresher',
    intervalMs: minutes * 60_000,
    log: deps.log,
    metrics: deps.metrics,
    tick: () => refreshCrls(deps, input),
  })
}
