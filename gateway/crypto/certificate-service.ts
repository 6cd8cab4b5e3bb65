import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { KeyObject } from 'node:crypto'
import { planCertificateRollover } from '../../accounts/partner-card.ts'
import type { Actor } from '../../audit/audit-event.ts'
import { decodePem, decodePemAll, encodePem, isPem } from '../../crypto/certificate-pem.ts'
import { parseCrl } from '../../crypto/crl-parse.ts'
import { parseCertificate } from '../../crypto/certificate-parse.ts'
import type { ParsedCertificate } from '../../crypto/certificate-parse.ts'
import { formatSerialNumber } from '../../crypto/certificate-serial.ts'
import { validateCertificate } from '../../crypto/certificate-validation.ts'
import type {
  CertificateUsage,
  CertificateValidationResult,
} from '../../crypto/certificate-validation.ts'
import { CertificateError, KeyError } from '../../crypto/errors.ts'
import { createKeyStore } from '../../crypto/key-store.ts'
import type { KeyStore } from '../../crypto/key-store.ts'
import { readPkcs12 } from '../../crypto/pkcs12.ts'
import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  findAgencyCertificate,
  findSealedAgencyKey,
  insertAgencyCertificate,
  insertAgencyKey,
  listAgencyCertificates,
  listRetirements,
  listSealedAgencyKeys,
  markAgencyCertificateRevoked,
  setAgencyCertificateRetireAt,
  upsertTrustAnchor,
} from '../../db/certificate-repository.ts'
import type { AgencyCertificateRecord, TrustAnchorRecord } from '../../db/certificate-repository.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import { fetchDistributionPointCrls } from './crl-refresh.ts'
import { httpCrlFetcher, loadValidationMaterial, readAnchorCrl } from './crl-source.ts'
import type { CrlFetcher, ValidationMaterial } from './crl-source.ts'

type ServiceDeps = Pick<Deps, 'db' | 'clock' | 'log' | 'config'>

/** Days before expiry from which a certificate is flagged (issue 3, point 1). */
export const expiryWarningDays = 30
const day = 24 * 60 * 60 * 1000

/** The key store for this installation's master key. */
export function keyStoreOf(deps: Pick<Deps, 'config'>): KeyStore {
  return createKeyStore(deps.config.secrets.masterKey)
}

/** Reads one certificate, or a PEM bundle (leaf first, then its CA chain), PEM or DER. */
export function readCertificateFile(bytes: Buffer): { certificate: Buffer; chain: Buffer[] } {
  if (!isPem(bytes)) return { certificate: bytes, chain: [] }
  const [certificate, ...chain] = decodePemAll(bytes.toString('utf8'), 'CERTIFICATE')
  if (certificate === undefined) {
    throw new CertificateError('ERR_CERT_MALFORMED', 'the file holds no PEM certificate')
  }
  return { certificate, chain }
}

/** Reads an unencrypted private key file (PKCS#8, PKCS#1 or SEC1; PEM or DER). */
export function readPrivateKeyFile(bytes: Buffer): KeyObject {
  try {
    return isPem(bytes)
      ? createPrivateKey({ key: bytes.toString('utf8'), format: 'pem' })
      : createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' })
  } catch (cause) {
    throw new KeyError('ERR_KEY_MALFORMED', 'the key file is not an unencrypted private key', {
      cause,
    })
  }
}

/** Registers a CA certificate as trust anchor, with an optional CRL file or URL (RFC 5280 §6.1.1 (d)). */
export async function addTrustAnchor(
  deps: ServiceDeps,
  input: {
    actor: Actor
    certificate: Buffer
    crlFile?: string
    crlUrl?: string
    fetchCrl?: CrlFetcher
  },
): Promise<TrustAnchorRecord> {
  if (input.crlFile !== undefined && input.crlUrl !== undefined) {
    throw new ApiError('validation_failed', 'Give a CRL file or a CRL URL, not both.')
  }
  if (input.crlUrl !== undefined && !/^https?:\/\//.test(input.crlUrl)) {
    throw new ApiError('validation_failed', 'The CRL URL must be http:// or https://.')
  }
  const { certificate } = readCertificateFile(input.certificate)
  const parsed = parseCertificate(certificate)
  if (parsed.basicConstraints?.ca !== true) {
    throw new CertificateError('ERR_CERT_NOT_CA', 'a trust anchor must be a CA certificate', {
      details: { subject: parsed.subject },
    })
  }
  const at = deps.clock.now()
  const anchor: TrustAnchorRecord = {
    id: parsed.fingerprintSha256,
    subject: parsed.subject,
    certificatePem: encodePem(parsed.der, 'CERTIFICATE'),
    notAfter: parsed.notAfter,
    crlFile: input.crlFile ?? null,
    crlUrl: input.crlUrl ?? null,
    addedAt: at,
  }
  // Fail early on a CRL source that does not work (wrong file, CRL of another CA).
  if (input.crlFile !== undefined || input.crlUrl !== undefined) {
    const bytes =
      input.crlFile !== undefined
        ? await readFile(input.crlFile).catch((cause: unknown) => {
            throw new CertificateError('ERR_CERT_CRL_MISSING', 'the CRL file cannot be read', {
              cause,
              details: { file: input.crlFile ?? '' },
            })
          })
        : await (input.fetchCrl ?? httpCrlFetcher)(input.crlUrl ?? '')
    readAnchorCrl(anchor.certificatePem, bytes)
  }
  await deps.db.transaction().execute(async (trx) => {
    await upsertTrustAnchor(trx, anchor)
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'trust_anchor_added',
        certificateSha256: anchor.id,
        subject: anchor.subject.slice(0, 500),
        crlSource:
          input.crlFile !== undefined ? 'file' : input.crlUrl !== undefined ? 'url' : 'none',
      },
    })
  })
  // Cache the CRL right away so the first validation needs no refresh.
  await loadValidationMaterial(deps, { at, forceRefresh: true, ...fetcher(input.fetchCrl) })
  return anchor
}

/** What an import brings: a certificate (PEM/DER, optionally with chain) and maybe its key. */
export type CertificateSource =
  | { kind: 'certificate'; certificate: Buffer; key?: Buffer }
  | { kind: 'pkcs12'; data: Buffer; passphrase: string }

/**
 * Imports an agency's certificate after validating it against the trust anchors at the current
 * instant, for encryption always and for signing when the private key comes with it; the
 * certificate must name the agency's mailbox. The key is stored sealed by the key store.
 *
 * With `rollover` (a key change of a hosted agency, issue 18 point 7) the new certificate must
 * come with its key, and every other active certificate of the agency not yet retiring stays in
 * service for `overlapDays`, then retires — the rule partner cards follow
 * (`planCertificateRollover`), recorded as `certificate_rolled_over` in the same transaction.
 */
export async function importAgencyCertificate(
  deps: ServiceDeps,
  input: {
    actor: Actor
    agencyId: string
    source: CertificateSource
    fetchCrl?: CrlFetcher
    rollover?: { overlapDays: number }
  },
): Promise<AgencyCertificateRecord & { retiring?: { ids: string[]; retireAt: Date | null } }> {
  const agency = await findAgency(deps.db, input.agencyId)
  if (agency === undefined) throw new ApiError('not_found', `No agency ${input.agencyId}.`)
  const { certificate, chain, privateKey } = readSource(input.source)
  parseCertificate(certificate)
  if (privateKey !== undefined && !new X509Certificate(certificate).checkPrivateKey(privateKey)) {
    throw new KeyError('ERR_KEY_MISMATCH', 'the private key does not belong to the certificate')
  }
  if (input.rollover !== undefined && privateKey === undefined) {
    throw new ApiError(
      'validation_failed',
      'A key change needs the new private key with the certificate.',
      {
        details: { reason: 'rollover_needs_key' },
      },
    )
  }
  const at = deps.clock.now()
  // CRLs published only at a distribution point (an intermediate CA's, typically) are fetched
  // now, so the certificate validates at import as it will after each scheduled refresh.
  await fetchDistributionPointCrls(deps, {
    certificates: [certificate, ...chain],
    ...fetcher(input.fetchCrl),
  })
  const material = await loadValidationMaterial(deps, { at, ...fetcher(input.fetchCrl) })
  const usages: CertificateUsage[] = privateKey === undefined ? ['encrypt'] : ['encrypt', 'sign']
  let leaf: ParsedCertificate | undefined
  for (const usage of usages) {
    const result = validateWithMaterial(material, {
      certificate,
      intermediates: chain,
      at,
      expectedEmail: agency.mailbox,
      usage,
    })
    if (!result.ok) {
      throw new CertificateError(result.code, result.reason, { details: result.details })
    }
    leaf = result.chain[0]
  }
  if (leaf === undefined) throw new CertificateError('ERR_CERT_MALFORMED', 'no certificate')
  if (await findAgencyCertificate(deps.db, leaf.fingerprintSha256)) {
    throw new ApiError('conflict', 'This certificate is already registered.', {
      details: {
        fingerprintSha256: leaf.fingerprintSha256,
      },
    })
  }
  const intermediates = chain.map((der) => parseCertificate(der))
  const record: AgencyCertificateRecord = {
    id: leaf.fingerprintSha256,
    agencyId: agency.id,
    certificatePem: encodePem(leaf.der, 'CERTIFICATE'),
    chainPem: intermediates
      .filter((candidate) => candidate.basicConstraints?.ca === true)
      .map((candidate) => encodePem(candidate.der, 'CERTIFICATE'))
      .join(''),
    serialNumber: formatSerialNumber(leaf.serialNumber),
    subject: leaf.subject,
    issuer: leaf.issuer,
    notBefore: leaf.notBefore,
    notAfter: leaf.notAfter,
    status: 'active',
    addedAt: at,
    revokedAt: null,
  }
  const sealed = privateKey === undefined ? undefined : keyStoreOf(deps).seal(privateKey)
  return deps.db.transaction().execute(async (trx) => {
    const previous =
      input.rollover === undefined
        ? []
        : await listAgencyCertificates(trx, { agencyId: agency.id, status: 'active' })
    await insertAgencyCertificate(trx, record)
    if (sealed !== undefined) {
      await insertAgencyKey(trx, { certificateId: record.id, sealedKeyPem: sealed, at })
    }
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'certificate_added',
        agencyId: agency.id,
        certificateSha256: record.id,
        serialNumber: record.serialNumber,
        notAfter: record.notAfter.toISOString(),
        withKey: sealed !== undefined,
      },
    })
    if (input.rollover === undefined) return record
    const plan = planCertificateRollover({
      registered: previous.map((r) => ({ id: r.id, retireAt: r.retireAt ?? null })),
      onCard: [record.id],
      at,
      overlapDays: input.rollover.overlapDays,
    })
    for (const retiring of plan.retire)
      await setAgencyCertificateRetireAt(trx, retiring.id, retiring.retireAt)
    const retireAt = plan.retire[0]?.retireAt ?? null
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'certificate_rolled_over',
        agencyId: agency.id,
        certificateSha256: record.id,
        certificatesRetiring: plan.retire.map((r) => r.id),
        ...(retireAt === null ? {} : { retireAt: retireAt.toISOString() }),
      },
    })
    return { ...record, retiring: { ids: plan.retire.map((r) => r.id), retireAt } }
  })
}

/** Withdraws a registered certificate (e.g. key compromise reported by the agency). */
export async function revokeAgencyCertificate(
  deps: Pick<Deps, 'db' | 'clock'>,
  input: { actor: Actor; certificateId: string; reason: string },
): Promise<AgencyCertificateRecord> {
  const at = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const record = await findAgencyCertificate(trx, input.certificateId)
    if (record === undefined) throw new ApiError('not_found', 'No such certificate.')
    if (!(await markAgencyCertificateRevoked(trx, record.id, at))) {
      throw new ApiError('conflict', 'The certificate is already revoked.')
    }
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'certificate_revoked',
        agencyId: record.agencyId,
        certificateSha256: record.id,
        reason: input.reason.slice(0, 200),
      },
    })
    return { ...record, status: 'revoked', revokedAt: at }
  })
}

/**
 * A registered certificate's current status (issue 16, point 8), as `brucke cert list` and the
 * admin page show it: `revoked_here` (withdrawn with `brucke cert revoke`), `retired` (its
 * rollover overlap ended), `expired`, `not_yet_valid`, `revoked_at_ca` (on its CA's stored CRL),
 * `unverified` (no chain to a trust anchor or no current CRL: it would be refused) or `active`.
 */
export type CertificateCurrentStatus =
  | 'active'
  | 'revoked_at_ca'
  | 'revoked_here'
  | 'expired'
  | 'retired'
  | 'not_yet_valid'
  | 'unverified'

/** A registered certificate with its remaining lifetime and current status at `at`. */
export interface CertificateOverview extends AgencyCertificateRecord {
  /** Whole days until notAfter (negative once expired). */
  daysLeft: number
  expired: boolean
  /** Active, not expired, and expiring within {@link expiryWarningDays}. */
  expiringSoon: boolean
  hasKey: boolean
  currentStatus: CertificateCurrentStatus
  /** The validation code when the certificate would be refused now (e.g. ERR_CERT_REVOKED). */
  validationCode: string | null
  /** The newest stored CRL of the certificate's issuing CA: when it was issued and is due next. */
  crl: { thisUpdate: Date; nextUpdate: Date | null; ageSeconds: number } | null
}

/**
 * Every registered certificate with expiry information and its current status, for
 * `brucke cert list` and /admin. Validates against the stored trust anchors and CRLs only —
 * listing never fetches; the CRL refresher keeps them current.
 */
export async function listCertificateOverview(
  deps: Pick<Deps, 'db' | 'log'>,
  input: { at: Date; agencyId?: string },
): Promise<CertificateOverview[]> {
  const records = await listAgencyCertificates(
    deps.db,
    input.agencyId === undefined ? {} : { agencyId: input.agencyId },
  )
  const keys = new Set((await listSealedAgencyKeys(deps.db)).map((key) => key.certificateId))
  const retireAt = await listRetirements(deps.db)
  const material = await loadValidationMaterial(deps, { at: input.at, storedOnly: true })
  const crls = material.crls.map((der) => parseCrl(der))
  const mailboxes = new Map<string, string>()
  const overview: CertificateOverview[] = []
  for (const record of records) {
    const remaining = record.notAfter.getTime() - input.at.getTime()
    const daysLeft = Math.floor(remaining / day)
    let mailbox = mailboxes.get(record.agencyId)
    if (mailbox === undefined) {
      mailbox = (await findAgency(deps.db, record.agencyId))?.mailbox ?? ''
      mailboxes.set(record.agencyId, mailbox)
    }
    const validation = validateWithMaterial(material, {
      certificate: decodePem(record.certificatePem, 'CERTIFICATE'),
      intermediates: decodePemAll(record.chainPem, 'CERTIFICATE'),
      at: input.at,
      expectedEmail: mailbox,
      usage: 'encrypt',
    })
    const retired = retireAt.get(record.id)
    const currentStatus: CertificateCurrentStatus =
      record.status === 'revoked'
        ? 'revoked_here'
        : retired !== undefined && retired <= input.at
          ? 'retired'
          : remaining < 0
            ? 'expired'
            : input.at < record.notBefore
              ? 'not_yet_valid'
              : validation.ok
                ? 'active'
                : validation.code === 'ERR_CERT_REVOKED'
                  ? 'revoked_at_ca'
                  : 'unverified'
    const issuerDer = parseCertificate(decodePem(record.certificatePem, 'CERTIFICATE')).issuerDer
    const newest = crls
      .filter((crl) => crl.issuerDer.equals(issuerDer))
      .sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime())[0]
    overview.push({
      ...record,
      daysLeft,
      expired: remaining < 0,
      expiringSoon:
        record.status === 'active' && remaining >= 0 && remaining < expiryWarningDays * day,
      hasKey: keys.has(record.id),
      currentStatus,
      validationCode: validation.ok ? null : validation.code,
      crl:
        newest === undefined
          ? null
          : {
              thisUpdate: newest.thisUpdate,
              nextUpdate: newest.nextUpdate ?? null,
              ageSeconds: Math.floor((input.at.getTime() - newest.thisUpdate.getTime()) / 1000),
            },
    })
  }
  return overview
}

/** Active certificates that expire within 30 days of `at` (the admin page shows these). */
export async function findExpiringCertificates(
  deps: Pick<Deps, 'db' | 'log'>,
  at: Date,
): Promise<CertificateOverview[]> {
  return (await listCertificateOverview(deps, { at })).filter((entry) => entry.expiringSoon)
}

/** Logs a warning for every active certificate expiring within 30 days; returns how many. */
export async function warnAboutExpiringCertificates(
  deps: Pick<Deps, 'db' | 'clock' | 'log'>,
): Promise<number> {
  const expiring = await findExpiringCertificates(deps, deps.clock.now())
  for (const entry of expiring) {
    deps.log.warn(
      {
        agencyId: entry.agencyId,
        certificateSha256: entry.id,
        notAfter: entry.notAfter.toISOString(),
        daysLeft: entry.daysLeft,
      },
      `certificate of ${entry.agencyId} expires in ${entry.daysLeft} days`,
    )
  }
  return expiring.length
}

/**
 * Opens every stored key once, so a wrong master key stops the start with ERR_KEY_WRONG_MASTER_KEY
 * instead of failing on the first transfer (issue 3, point 6). Returns the number of keys.
 */
export async function checkStoredKeys(deps: Pick<Deps, 'db' | 'config'>): Promise<number> {
  const store = keyStoreOf(deps)
  const keys = await listSealedAgencyKeys(deps.db)
  for (const key of keys) store.open(key.sealedKeyPem)
  return keys.length
}

/**
 * Whether a registered certificate is still in service at `at` after a key rollover: one
 * dropped from a newer partner card is used and accepted until its `retireAt`, then not at all.
 */
export function certificateInService(record: AgencyCertificateRecord, at: Date): boolean {
  return record.retireAt == null || record.retireAt.getTime() > at.getTime()
}

/**
 * The agency's newest active certificate, if any. With `at`, a certificate retired by a
 * rollover is left out from its `retireAt` on, and one still in its overlap comes only after
 * every certificate of the current card (the newest card says which key is current).
 */
export async function findCurrentAgencyCertificate(
  deps: Pick<Deps, 'db'>,
  agencyId: string,
  input: { withKey?: boolean; at?: Date } = {},
): Promise<AgencyCertificateRecord | undefined> {
  const listed = await listAgencyCertificates(deps.db, { agencyId, status: 'active' })
  const at = input.at
  const records =
    at === undefined
      ? listed
      : [
          ...listed.filter((record) => record.retireAt == null),
          ...listed.filter((record) => record.retireAt != null && certificateInService(record, at)),
        ]
  if (input.withKey !== true) return records[0]
  for (const record of records) {
    if ((await findSealedAgencyKey(deps.db, record.id)) !== undefined) return record
  }
  return undefined
}

/** The agency's newest certificate withdrawn here (`brucke cert revoke`), if any. */
export async function findRevokedAgencyCertificate(
  deps: Pick<Deps, 'db'>,
  agencyId: string,
): Promise<AgencyCertificateRecord | undefined> {
  return (await listAgencyCertificates(deps.db, { agencyId, status: 'revoked' }))[0]
}

/** Opens the sealed key of a certificate; undefined when none is stored. */
export async function openAgencyKey(
  deps: Pick<Deps, 'db' | 'config'>,
  certificateId: string,
): Promise<KeyObject | undefined> {
  const sealed = await findSealedAgencyKey(deps.db, certificateId)
  return sealed === undefined ? undefined : keyStoreOf(deps).open(sealed)
}

/** Validates a registered certificate at `at` against the current trust anchors and CRLs. */
export async function validateRegisteredCertificate(
  deps: Pick<Deps, 'db' | 'log'>,
  input: {
    record: AgencyCertificateRecord
    mailbox: string
    at: Date
    usage: CertificateUsage
    fetchCrl?: CrlFetcher
    /** Anchors and CRLs the caller loaded for this instant already (one load per message). */
    material?: ValidationMaterial
  },
): Promise<CertificateValidationResult> {
  const material =
    input.material ??
    (await loadValidationMaterial(deps, { at: input.at, ...fetcher(input.fetchCrl) }))
  return validateWithMaterial(material, {
    certificate: readCertificateFile(Buffer.from(input.record.certificatePem)).certificate,
    intermediates: decodePemAll(input.record.chainPem, 'CERTIFICATE'),
    at: input.at,
    expectedEmail: input.mailbox,
    usage: input.usage,
  })
}

/**
 * Validates with CRLs required for chains ending at an anchor that has a CRL source, and used
 * when present for anchors configured without one.
 */
function validateWithMaterial(
  material: ValidationMaterial,
  input: {
    certificate: Buffer
    intermediates: Buffer[]
    at: Date
    expectedEmail: string
    usage: CertificateUsage
  },
): CertificateValidationResult {
  const base = { ...input, trustAnchors: material.trustAnchors, crls: material.crls }
  // A chain that validates with CRLs required is valid under either policy: one run settles the
  // usual case; only a failure needs to know which anchor it ends at.
  if (material.anchors.some((anchor) => (anchor.crlFile ?? anchor.crlUrl) !== null)) {
    const strict = validateCertificate({ ...base, crlPolicy: 'require' })
    if (strict.ok) return strict
  }
  const lenient = validateCertificate({ ...base, crlPolicy: 'if-present' })
  if (!lenient.ok) return lenient
  const anchor = lenient.chain[lenient.chain.length - 1]
  const anchorRecord = material.anchors.find((record) => record.id === anchor?.fingerprintSha256)
  const hasCrlSource =
    anchorRecord !== undefined && (anchorRecord.crlFile ?? anchorRecord.crlUrl) !== null
  return hasCrlSource ? validateCertificate({ ...base, crlPolicy: 'require' }) : lenient
}

function readSource(source: CertificateSource): {
  certificate: Buffer
  chain: Buffer[]
  privateKey: KeyObject | undefined
} {
  if (source.kind === 'pkcs12') {
    const contents = readPkcs12(source.data, source.passphrase)
    return {
      certificate: contents.certificate,
      chain: contents.chain,
      privateKey: contents.privateKey,
    }
  }
  const { certificate, chain } = readCertificateFile(source.certificate)
  return {
    certificate,
    chain,
    privateKey: source.key === undefined ? undefined : readPrivateKeyFile(source.key),
  }
}

function fetcher(fetchCrl: CrlFetcher | undefined): { fetchCrl?: CrlFetcher } {
  return fetchCrl === undefined ? {} : { fetchCrl }
}
