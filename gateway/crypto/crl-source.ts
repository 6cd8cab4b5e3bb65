import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { decodePem, encodePem, isPem } from '../../crypto/certificate-pem.ts'
import { parseCertificate } from '../../crypto/certificate-parse.ts'
import { BoundedCache } from '../../crypto/bounded-cache.ts'
import { verifySignature } from '../../crypto/certificate-signature.ts'
import { parseCrl } from '../../crypto/crl-parse.ts'
import type { ParsedCrl } from '../../crypto/crl-parse.ts'
import { CertificateError } from '../../crypto/errors.ts'
import { listTrustAnchorsWithCachedCrl, saveCachedCrl } from '../../db/certificate-repository.ts'
import type { TrustAnchorRecord } from '../../db/certificate-repository.ts'
import { listCrlFetches } from '../../db/crl-fetch-repository.ts'
import type { Deps } from '../deps.ts'

/** Fetches a CRL over HTTP(S); the adapter is passed in so tests can serve CRLs locally. */
export type CrlFetcher = (url: string) => Promise<Buffer>

const maxCrlBytes = 10 * 1024 * 1024
const fetchTimeoutMs = 10_000

/** The real fetcher: GET with a timeout and a size limit (CRLs of large CAs reach megabytes). */
export const httpCrlFetcher: CrlFetcher = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(fetchTimeoutMs) })
  if (!response.ok) {
    throw new CertificateError(
      'ERR_CERT_CRL_MISSING',
      `CRL download failed: HTTP ${response.status}`,
      {
        details: { url, status: response.status },
      },
    )
  }
  const length = Number(response.headers.get('content-length') ?? '0')
  if (length > maxCrlBytes) {
    throw new CertificateError('ERR_CERT_CRL_INVALID', 'CRL larger than 10 MiB', {
      details: { url },
    })
  }
  const body = Buffer.from(await response.arrayBuffer())
  if (body.length > maxCrlBytes) {
    throw new CertificateError('ERR_CERT_CRL_INVALID', 'CRL larger than 10 MiB', {
      details: { url },
    })
  }
  return body
}

/**
 * Checked CRLs by the SHA-256 of anchor and CRL bytes: a CRL file is re-read on every validation
 * (so a new one takes effect at once), and parsing it and checking its signature again for the
 * same bytes was the largest cost of receiving a message. Pure and bounded; a failure is not kept.
 */
const checkedCrls = new BoundedCache<string, ParsedCrl>(64)

/** Reads CRL bytes (PEM or DER) and checks that the anchor signed it; returns the parsed CRL. */
export function readAnchorCrl(anchorPem: string, bytes: Buffer): ParsedCrl {
  const key = createHash('sha256').update(anchorPem).update('\0').update(bytes).digest('hex')
  return checkedCrls.getOrCompute(key, () => checkAnchorCrl(anchorPem, bytes))
}

function checkAnchorCrl(anchorPem: string, bytes: Buffer): ParsedCrl {
  const der = isPem(bytes) ? decodePem(bytes.toString('utf8'), 'X509 CRL') : bytes
  const crl = parseCrl(der)
  const anchor = parseCertificate(decodePem(anchorPem, 'CERTIFICATE'))
  const signed =
    crl.issuerDer.equals(anchor.subjectDer) &&
    verifySignature({
      algorithm: crl.signatureAlgorithm,
      data: crl.tbsDer,
      signature: crl.signatureValue,
      publicKey: anchor.publicKey,
    }) === 'valid'
  if (!signed) {
    throw new CertificateError('ERR_CERT_CRL_INVALID', 'the CRL was not issued by this CA', {
      details: { ca: anchor.subject },
    })
  }
  return crl
}

/** The trust anchors and their current CRLs, as the pure validator takes them. */
export interface ValidationMaterial {
  anchors: TrustAnchorRecord[]
  trustAnchors: Buffer[]
  crls: Buffer[]
}

/**
 * Loads trust anchors and CRLs for validation at `at`. A CRL file is re-read every time; a CRL
 * URL is fetched when the cached CRL is missing or no longer current; both are cached in the
 * database, and an older CRL never replaces a newer one (no rollback by a stale mirror). A
 * failed refresh is logged and the cached CRL (if any) is used — validation then reports
 * ERR_CERT_CRL_EXPIRED or ERR_CERT_CRL_MISSING itself rather than this function failing.
 */
export async function loadValidationMaterial(
  deps: Pick<Deps, 'db' | 'log'>,
  input: {
    at: Date
    fetchCrl?: CrlFetcher
    forceRefresh?: boolean
    /** Only what is stored: no file read, no fetch (listing the certificates' status). */
    storedOnly?: boolean
  },
): Promise<ValidationMaterial> {
  const rows = await listTrustAnchorsWithCachedCrl(deps.db)
  const anchors = rows.map((row) => row.anchor)
  const crls: Buffer[] = []
  for (const { anchor, cached: entry } of rows) {
    let crlPem = entry?.crlPem
    const current =
      entry !== undefined &&
      entry.thisUpdate <= input.at &&
      (entry.nextUpdate === null || input.at < entry.nextUpdate)
    // A file is cheap to re-read, so a CRL dropped into place takes effect at once; a URL is
    // fetched only when the cached CRL is no longer current.
    const refresh =
      input.storedOnly !== true &&
      (anchor.crlFile !== null ||
        (anchor.crlUrl !== null && (input.forceRefresh === true || !current)))
    if (refresh) {
      try {
        const bytes =
          anchor.crlFile !== null
            ? await readFile(anchor.crlFile)
            : await (input.fetchCrl ?? httpCrlFetcher)(anchor.crlUrl ?? '')
        const crl = readAnchorCrl(anchor.certificatePem, bytes)
        const newer = entry === undefined || crl.thisUpdate > entry.thisUpdate
        if (newer) {
          crlPem = encodePem(crl.der, 'X509 CRL')
          await saveCachedCrl(deps.db, {
            trustAnchorId: anchor.id,
            crlPem,
            thisUpdate: crl.thisUpdate,
            nextUpdate: crl.nextUpdate ?? null,
            fetchedAt: input.at,
          })
        }
      } catch (error) {
        deps.log.warn(
          {
            trustAnchor: anchor.subject,
            source: anchor.crlFile ?? anchor.crlUrl,
            code: error instanceof CertificateError ? error.code : 'io',
            err: error instanceof Error ? error.message : String(error),
          },
          'CRL refresh failed; using the cached CRL if any',
        )
      }
    }
    if (crlPem !== undefined) crls.push(decodePem(crlPem, 'X509 CRL'))
  }
  // The CRLs the refresher fetched (anchor URLs, distribution points of leaves and intermediates);
  // each was checked against its issuer before it was stored. The validator takes the newest
  // current CRL of each issuer, so a copy that is also in the anchor's cache does no harm.
  for (const fetched of await listCrlFetches(deps.db)) {
    if (fetched.crlPem !== null) crls.push(decodePem(fetched.crlPem, 'X509 CRL'))
  }
  return {
    anchors,
    trustAnchors: anchors.map((anchor) => decodePem(anchor.certificatePem, 'CERTIFICATE')),
    crls,
  }
}
