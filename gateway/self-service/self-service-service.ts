import { createHash, randomBytes } from 'node:crypto'
import { checkProofDocument, type InclusionProofDocument } from '../../audit/proof-document.ts'
import { ageOn, berlinDateOf } from '../../consent/calendar.ts'
import { factsOf } from '../../consent/consent.ts'
import { ConsentError } from '../../consent/errors.ts'
import { consentStatus } from '../../consent/status.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { findConsent, insertRevocation } from '../../db/consent-repository.ts'
import {
  findMajorityReviews,
  markMajorityConfirmed,
  type MajorityReview,
} from '../../db/kiosk-repository.ts'
import {
  deleteExpiredSelfServiceSessions,
  deleteSelfServiceSession,
  findReceiptByCodeHash,
  findSelfServiceSession,
  insertSelfServiceSession,
  listAuditSeqsOfTransfers,
  listConsentIdsOfSubject,
  listTransfersOfConsents,
  type SelfServiceSession,
  type TransferSummary,
} from '../../db/receipt-repository.ts'
import { deriveAuditKey } from '../audit/audit-key.ts'
import { buildInclusionProof } from '../audit/build-proofs.ts'
import { toConsentView, type ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { KioskError } from '../kiosk/kiosk-error.ts'
import { selfServiceSessionMinutes } from '../kiosk/kiosk-settings.ts'
import { hashReceiptCode, normaliseReceiptCode, receiptCodePattern } from '../kiosk/receipt-code.ts'
import { reviewMajority } from './majority-review.ts'

export const selfServiceCookieName = 'brucke_me'

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * Opens a self-service session with the receipt code and the date of birth (DESIGN.md §3.6: a
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
  consent: ConsentView
  transfers: (TransferSummary & { evidence: TransferEvidence[] })[]
  majority: MajorityReview | null
}

async function evidenceOf(deps: Deps, seq: number, type: string): Promise<TransferEvidence> {
  try {
    const proof = await buildInclusionProof(deps, seq)
    const publicKey = deriveAuditKey(deps.config.secrets.masterKey).publicKeyBase64
    const check = checkProofDocument(proof, [publicKey])
    return { seq, type, proof, verified: check.ok, pending: false }
  } catch (error) {
    const code = (error as { code?: string }).code
    if (code === 'ERR_AUDIT_NO_CHECKPOINT' || code === 'ERR_AUDIT_NOT_YET_CHECKPOINTED')
      return { seq, type, proof: null, verified: null, pending: true }
    throw error
  }
}

/**
 * What the youth sees (issue point 6): every consent of the person with its status, every transfer
 * made under it — metadata only — with the audit entries behind it and their inclusion proofs.
 */
export async function selfServiceOverview(
  deps: Deps,
  session: SelfServiceSession,
): Promise<SelfServiceConsent[]> {
  const now = deps.clock.now()
  await reviewMajority(deps, session.subjectPseudonym)
  const ids = await listConsentIdsOfSubject(deps.db, session.subjectPseudonym)
  const stored = (await Promise.all(ids.map((id) => findConsent(deps.db, id)))).filter(
    (s) => s !== undefined,
  )
  const views = stored.map((s) => toConsentView(s, now)).filter((v) => v.status !== 'draft')
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
    consent,
    transfers: transfers
      .filter((t) => t.consentId === consent.id)
      .map((t) => ({ ...t, evidence: evidence.get(t.id) ?? [] })),
    majority: reviews.find((r) => r.consentId === consent.id) ?? null,
  }))
}

/** The inclusion proof of one audit entry — only one that records a transfer of this person. */
export async function selfServiceProof(
  deps: Deps,
  session: SelfServiceSession,
  seq: number,
): Promise<InclusionProofDocument> {
  const ids = await listConsentIdsOfSubject(deps.db, session.subjectPseudonym)
  const transfers = await listTransfersOfConsents(deps.db, ids)
  const seqs = await listAuditSeqsOfTransfers(
    deps.db,
    transfers.map((t) => t.id),
  )
  if (!seqs.some((s) => s.seq === seq))
    throw new KioskError('ERR_KIOSK_NOT_FOUND', 'No such entry among your transfers.')
  return buildInclusionProof(deps, seq)
}

async function loadOwn(db: Deps['db'], session: SelfServiceSession, consentId: string) {
  const stored = await findConsent(db, consentId)
  if (!stored || stored.consent.subjectPseudonym !== session.subjectPseudonym)
    throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No such consent.')
  return stored
}

/**
 * Revocation by the youth on the self-service page (DESIGN.md §3.1, channel `self_service`):
 * effective at once for every decision after it, including transfers queued but not delivered.
 */
export async function revokeBySelfService(
  deps: Deps,
  session: SelfServiceSession,
  consentId: string,
): Promise<void> {
  const now = deps.clock.now()
  const actor = `youth:${session.subjectPseudonym}` as const
  await deps.db.transaction().execute(async (trx) => {
    const { consent } = await loadOwn(trx, session, consentId)
    if (consentStatus(factsOf(consent), now) !== 'active')
      throw new ConsentError('ERR_CONSENT_NOT_ACTIVE', 'Only an active consent can be revoked.')
    await insertRevocation(trx, consent.id, {
      at: now.toISOString(),
      channel: 'self_service',
      by: actor,
    })
    await appendAuditEvent(trx, {
      at: now,
      actor,
      event: {
        type: 'consent_revoked',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
        agencyId: consent.createdByAgencyId,
        channel: 'self_service',
        reasonGiven: false,
      },
    })
  })
}

/** The youth, now of age, confirms a consent their guardian co-signed (issue point 7). */
export async function confirmAtMajority(
  deps: Deps,
  session: SelfServiceSession,
  consentId: string,
): Promise<void> {
  const now = deps.clock.now()
  const { consent, subject } = await loadOwn(deps.db, session, consentId)
  const [review] = await findMajorityReviews(deps.db, [consent.id])
  const today = berlinDateOf(now)
  if (
    !review ||
    review.confirmedAt !== null ||
    review.lapsedAt !== null ||
    today > review.confirmBy ||
    ageOn(subject.birthDate, today) < 18 ||
    consentStatus(factsOf(consent), now) !== 'active'
  )
    throw new KioskError('ERR_KIOSK_NOT_CONFIRMABLE', 'There is nothing to confirm.')
  await deps.db.transaction().execute(async (trx) => {
    await markMajorityConfirmed(trx, consent.id, now)
    await appendAuditEvent(trx, {
      at: now,
      actor: `youth:${session.subjectPseudonym}`,
      event: {
        type: 'consent_majority_confirmed',
        consentId: consent.id,
        subjectPseudonym: consent.subjectPseudonym,
      },
    })
  })
}
