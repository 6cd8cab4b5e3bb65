import { createHash, randomBytes } from 'node:crypto'
import { AuditError } from '../../audit/audit-error.ts'
import { checkProofDocument, type InclusionProofDocument } from '../../audit/proof-document.ts'
import type { SignatoryRole } from '../../consent/consent.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { findConsent } from '../../db/consent-repository.ts'
import { findMajorityReviews, type MajorityReview } from '../../db/kiosk-repository.ts'
import {
  deleteExpiredSelfServiceSessions,
  deleteSelfServiceSession,
  findReceipt,
  findReceiptByCodeHash,
  findSelfServiceSession,
  insertSelfServiceSession,
  listAuditSeqsOfTransfers,
  listTransfersOfConsents,
  type SelfServiceSession,
  type TransferSummary,
} from '../../db/receipt-repository.ts'
import { buildInclusionProof } from '../audit/build-proofs.ts'
import { getConsent, revokeConsent, selfServiceCaller } from '../consent/consent-service.ts'
import type { ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { KioskError } from '../kiosk/kiosk-error.ts'
import { receiptDocumentOf, sealedReceiptPdf } from '../kiosk/receipt-document.ts'
import { selfServiceSessionMinutes } from '../kiosk/kiosk-settings.ts'
import { hashReceiptCode, normaliseReceiptCode, receiptCodePattern } from '../kiosk/receipt-code.ts'
import { reviewMajorityOf } from './majority-review.ts'

export const selfServiceCookieName = 'brucke_me'
/** The language of `/me`: chosen with its switch (or the receipt's QR link), kept in a cookie. */
export const selfServiceLanguageCookie = 'brucke_me_lang'

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * Opens a self-service session with the receipt code and the date of birth (docs/design.md §3.6: a
 * principal of its own, bound to one person, not a user role). A wrong pair is recorded without
 * either value. Rate limiting is done by the caller (per IP and per code).
 */
export async function openSelfService(
  deps: Deps,
  input: { receiptCode: string; birthDate: string },
): Promise<{ token: string; session: SelfServiceSession }> {
  const now = deps.clock.now()
  const code = normaliseReceiptCode(input.receiptCode)
  const receipt = receiptCodePattern.test(code)
    ? await findReceiptByCodeHash(deps.db, hashReceiptCode(code, deps.config.secrets.masterKey))
    : undefined
  if (!receipt || receipt.birthDate !== input.birthDate) {
    await appendAuditEvent(deps.db, {
      at: now,
      actor: 'system',
      event: { type: 'self_service_refused', reason: 'unknown_code_or_birth_date' },
    })
    throw new KioskError('ERR_KIOSK_RECEIPT_UNKNOWN', 'Code or date of birth do not match.')
  }
  const token = randomBytes(32).toString('base64url')
  const session: SelfServiceSession = {
    subjectPseudonym: receipt.subjectPseudonym,
    receiptId: receipt.id,
    csrfToken: randomBytes(24).toString('base64url'),
    expiresAt: new Date(now.getTime() + selfServiceSessionMinutes * 60_000).toISOString(),
  }
  await deps.db.transaction().execute(async (trx) => {
    await deleteExpiredSelfServiceSessions(trx, now)
    await insertSelfServiceSession(trx, {
      ...session,
      idHash: hashToken(token),
      createdAt: now.toISOString(),
    })
    await appendAuditEvent(trx, {
      at: now,
      actor: `youth:${receipt.subjectPseudonym}`,
      event: {
        type: 'self_service_opened',
        subjectPseudonym: receipt.subjectPseudonym,
        receiptId: receipt.id,
      },
    })
  })
  return { token, session }
}

export async function findSelfService(
  deps: Deps,
  token: string | undefined,
): Promise<SelfServiceSession | undefined> {
  if (!token) return undefined
  return findSelfServiceSession(deps.db, hashToken(token), deps.clock.now())
}

export async function closeSelfService(deps: Deps, token: string): Promise<void> {
  await deleteSelfServiceSession(deps.db, hashToken(token))
}

/** One audit entry behind a transfer, with its inclusion proof when a checkpoint covers it. */
export interface TransferEvidence {
  seq: number
  type: string
  proof: InclusionProofDocument | null
  /** Result of checking the proof here against the gateway's audit key. */
  verified: boolean | null
  pending: boolean
}

export interface SelfServiceConsent {
  consent: ConsentView & { statusAt: string }
  transfers: (TransferSummary & { evidence: TransferEvidence[] })[]
  majority: MajorityReview | null
  /** Who signed under the receipt that opened this page (null: a receipt from before). */
  signatoryRoles: SignatoryRole[] | null
}

async function evidenceOf(deps: Deps, seq: number, type: string): Promise<TransferEvidence> {
  try {
    const proof = await buildInclusionProof(deps, seq)
    const publicKey = deps.derivedKeys.audit.publicKeyBase64
    const check = checkProofDocument(proof, [publicKey])
    return { seq, type, proof, verified: check.ok, pending: false }
  } catch (error) {
    if (
      error instanceof AuditError &&
      (error.code === 'ERR_AUDIT_NO_CHECKPOINT' || error.code === 'ERR_AUDIT_NOT_YET_CHECKPOINTED')
    )
      return { seq, type, proof: null, verified: null, pending: true }
    throw error
  }
}

/** What a `/me` session opens: the consents its receipt proves, by the roles that signed. */
export interface ReceiptGrant {
  receiptId: string
  consentIds: string[]
  signatoryRoles: SignatoryRole[] | null
}

/** The grant of a session's receipt (docs/design.md §3.6: bound to the consents of one receipt). */
export async function receiptGrantOf(
  deps: Pick<Deps, 'db'>,
  session: SelfServiceSession,
): Promise<ReceiptGrant> {
  const receipt = await findReceipt(deps.db, session.receiptId)
  if (!receipt || receipt.subjectPseudonym !== session.subjectPseudonym)
    return { receiptId: session.receiptId, consentIds: [], signatoryRoles: [] }
  return {
    receiptId: receipt.id,
    consentIds: [receipt.consentId],
    signatoryRoles: receipt.signatoryRoles,
  }
}

/**
 * What the person sees on `/me` (issue «Consent integrity» point 3): exactly the consents the
 * receipt proves — nothing of other agencies or other receipts of the same person — with their
 * status and every transfer made under them (metadata only), the audit entries behind each
 * transfer and their inclusion proofs.
 */
export async function selfServiceOverview(
  deps: Deps,
  session: SelfServiceSession,
): Promise<SelfServiceConsent[]> {
  const now = deps.clock.now()
  const grant = await receiptGrantOf(deps, session)
  const caller = selfServiceCaller({
    subjectPseudonym: session.subjectPseudonym,
    receiptConsentIds: grant.consentIds,
  })
  const stored = (await Promise.all(grant.consentIds.map((id) => findConsent(deps.db, id)))).filter(
    (s) => s !== undefined,
  )
  await reviewMajorityOf(deps, stored)
  const views = (
    await Promise.all(stored.map((s) => getConsent(deps, { caller, consentId: s.consent.id })))
  ).filter((v) => v.status !== 'draft')
  const transfers = await listTransfersOfConsents(
    deps.db,
    views.map((v) => v.id),
  )
  const seqs = await listAuditSeqsOfTransfers(
    deps.db,
    transfers.map((t) => t.id),
  )
  const evidence = new Map<string, TransferEvidence[]>()
  for (const s of seqs) {
    const list = evidence.get(s.transferId) ?? []
    list.push(await evidenceOf(deps, s.seq, s.type))
    evidence.set(s.transferId, list)
  }
  const reviews = await findMajorityReviews(
    deps.db,
    views.map((v) => v.id),
  )
  return views.map((consent) => ({
    consent: { ...consent, statusAt: now.toISOString() },
    transfers: transfers
      .filter((t) => t.consentId === consent.id)
      .map((t) => ({ ...t, evidence: evidence.get(t.id) ?? [] })),
    majority: reviews.find((r) => r.consentId === consent.id) ?? null,
    signatoryRoles: grant.signatoryRoles,
  }))
}

/** The inclusion proof of one audit entry — only one that records a transfer under the receipt. */
export async function selfServiceProof(
  deps: Deps,
  session: SelfServiceSession,
  seq: number,
): Promise<InclusionProofDocument> {
  const grant = await receiptGrantOf(deps, session)
  const transfers = await listTransfersOfConsents(deps.db, grant.consentIds)
  const seqs = await listAuditSeqsOfTransfers(
    deps.db,
    transfers.map((t) => t.id),
  )
  if (!seqs.some((s) => s.seq === seq))
    throw new KioskError('ERR_KIOSK_NOT_FOUND', 'No such entry among your transfers.')
  return buildInclusionProof(deps, seq)
}

/**
 * Revocation on the self-service page (docs/design.md §3.1, channel `self_service`): only a consent
 * the session's receipt proves; effective at once for every decision after it, including
 * transfers queued but not delivered.
 */
export async function revokeBySelfService(
  deps: Deps,
  session: SelfServiceSession,
  consentId: string,
): Promise<void> {
  const grant = await receiptGrantOf(deps, session)
  await revokeConsent(deps, {
    caller: selfServiceCaller({
      subjectPseudonym: session.subjectPseudonym,
      receiptConsentIds: grant.consentIds,
    }),
    consentId,
    revocation: { channel: 'self_service' },
  })
}

/**
 * The person's own receipt of one consent, as a PDF sealed by the preparing agency (issue «The
 * person's side» point 4): only a consent the session's receipt proves (the `view` rule of
 * consent/permissions.ts; any other is "not found"), in the language the young person read it.
 */
export async function selfServiceReceiptPdf(
  deps: Deps,
  session: SelfServiceSession,
  consentId: string,
): Promise<{ pdf: Buffer; kind: ConsentView['kind'] }> {
  const grant = await receiptGrantOf(deps, session)
  const consent = await getConsent(deps, {
    caller: selfServiceCaller({
      subjectPseudonym: session.subjectPseudonym,
      receiptConsentIds: grant.consentIds,
    }),
    consentId,
  })
  const youth = consent.signatures.find((s) => s.role === 'youth')
  const document = await receiptDocumentOf(deps, {
    consent,
    language: youth?.text?.language ?? consent.text.language,
    code: null,
    receiptId: grant.receiptId,
  })
  const pdf = await sealedReceiptPdf(deps, { document, agencyId: consent.createdByAgencyId })
  return { pdf, kind: consent.kind }
}
