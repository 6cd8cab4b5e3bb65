import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { decodePem, encodePem, isPem } from '../../crypto/certificate-pem.ts'
import { parseCertificate } from '../../crypto/certificate-parse.ts'
import { verifySignature } from '../../crypto/certificate-signature.ts'
import { parseCrl } from '../../crypto/crl-parse.ts'
import type { ParsedCrl } from '../../crypto/crl-parse.ts'
import { CertificateError } from '../../crypto/errors.ts'
import {
  findCertificateWithMailbox,
  listTrustAnchorsWithCachedCrl,
  readTrustMaterialVersion,
  saveCachedCrl,
  type AgencyCertificateRecord,
} from '../../db/certificate-repository.ts'
import type { TrustAnchorRecord } from '../../db/certificate-repository.ts'
import { listCrlFetches } from '../../db/crl-fetch-repository.ts'
import type { Deps } from '../deps.ts'
import {
  maxRememberedSigners,
  type StoredTrustMaterial,
  type TrustMaterialCache,
} from './trust-material-cache.ts'

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
 * Reads CRL bytes (PEM or DER) and checks that the anchor signed it; returns the parsed CRL. With
 * `checked` (the gateway's memo, by the SHA-256 of anchor and CRL bytes) the same bytes are
 * parsed and their signature checked once: a CRL file is re-read on every validation, and doing
 * that work again was once the largest cost of receiving a message. A failure is not kept.
 */
export function readAnchorCrl(
  anchorPem: string,
  bytes: Buffer,
  checked?: TrustMaterialCache['checkedCrls'],
): ParsedCrl {
  if (checked === undefined) return checkAnchorCrl(anchorPem, bytes)
  const key = createHash('sha256').update(anchorPem).update('\0').update(bytes).digest('hex')
  return checked.getOrCompute(key, () => checkAnchorCrl(anchorPem, bytes))
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
  /** What was stored when it was loaded (with the gateway's cache; else read afresh each time). */
  stored: StoredTrustMaterial
}

/**
 * Loads trust anchors and CRLs for validation at `at`. A CRL file is re-read every time; a CRL
 * URL is fetched when the cached CRL is missing or no longer current; both are cached in the
 * database, and an older CRL never replaces a newer one (no rollback by a stale mirror). A
 * failed refresh is logged and the cached CRL (if any) is used — validation then reports
 * ERR_CERT_CRL_EXPIRED or ERR_CERT_CRL_MISSING itself rather than this function failing.
 */
export async function loadValidationMaterial(
  deps: Pick<Deps, 'db' | 'log'> & Partial<Pick<Deps, 'trustMaterial'>>,
  input: {
    at: Date
    fetchCrl?: CrlFetcher
    forceRefresh?: boolean
    /** Only what is stored: no file read, no fetch (listing the certificates' status). */
    storedOnly?: boolean
    /**
     * The counter of migration 0630 as a read of this same message already returned it (the
     * inbound recipient's lookup): not read again.
     */
    knownVersion?: number
  },
): Promise<ValidationMaterial> {
  const cache = deps.trustMaterial
  const stored = await storedMaterial(deps.db, cache, input.knownVersion)
  const rows = stored.rows
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
            ? await readCrlFile(anchor.crlFile, cache)
            : await (input.fetchCrl ?? httpCrlFetcher)(anchor.crlUrl ?? '')
        const crl = readAnchorCrl(anchor.certificatePem, bytes, cache?.checkedCrls)
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
  crls.push(...stored.fetchedCrls)
  return { anchors, trustAnchors: stored.trustAnchors, crls, stored }
}

/**
 * The stored anchors, cached CRLs and fetched CRLs. With the gateway's cache, the counter that
 * every change of them moves on (migration 0630) is read first and the rows are read again only
 * when it moved: one small read instead of two large ones and their decoding. Read before the
 * rows, a change committed in between leaves newer rows under the older counter — read again
 * next time, never the reverse.
 */
async function storedMaterial(
  db: Deps['db'],
  cache: TrustMaterialCache | undefined,
  knownVersion: number | undefined,
): Promise<StoredTrustMaterial> {
  const version = cache === undefined ? -1 : (knownVersion ?? (await readTrustMaterialVersion(db)))
  if (cache?.stored !== undefined && cache.stored.version === version) return cache.stored
  const [rows, fetched] = await Promise.all([listTrustAnchorsWithCachedCrl(db), listCrlFetches(db)])
  const material: StoredTrustMaterial = {
    version,
    rows,
    trustAnchors: rows.map((row) => decodePem(row.anchor.certificatePem, 'CERTIFICATE')),
    fetchedCrls: fetched.flatMap((entry) =>
      entry.crlPem === null ? [] : [decodePem(entry.crlPem, 'X509 CRL')],
    ),
    signers: new Map(),
  }
  if (cache !== undefined) cache.stored = material
  return material
}

/**
 * The registered certificate with this SHA-256 and its agency's mailbox, as stored when
 * `material` was loaded: remembered under the counter the material was loaded with (which every
 * change of certificates and agencies moves on, migration 0630), read when unknown.
 */
export async function findRegisteredSigner(
  db: Deps['db'],
  material: ValidationMaterial,
  fingerprint: string,
): Promise<{ record: AgencyCertificateRecord; mailbox: string } | undefined> {
  const remembered = material.stored.signers
  const known = remembered.get(fingerprint)
  if (known !== undefined) return known ?? undefined
  const found = await findCertificateWithMailbox(db, fingerprint)
  // Without the gateway's cache the counter is -1 and nothing is kept for another message.
  if (material.stored.version >= 0 && remembered.size < maxRememberedSigners)
    remembered.set(fingerprint, found ?? null)
  return found
}

/**
 * A CRL file's bytes, read again whenever the file may have changed: a CRL dropped into place
 * (a new file, or the old one rewritten) differs in inode, size or modification/change time, so
 * it takes effect at the next validation. The `stat` is synchronous on purpose — a few
 * microseconds on a local file, where an asynchronous read cost a hundred and fifty of CPU per
 * message.
 */
async function readCrlFile(path: string, cache: TrustMaterialCache | undefined): Promise<Buffer> {
  if (cache === undefined) return readFile(path)
  const status = statSync(path, { bigint: true })
  const identity = `${status.dev}:${status.ino}:${status.size}:${status.mtimeNs}:${status.ctimeNs}`
  const known = cache.crlFiles.get(path)
  if (known !== undefined && known.identity === identity) return known.bytes
  const bytes = await readFile(path)
  cache.crlFiles.set(path, { identity, bytes })
  return bytes
}
