import type { Actor } from '../../audit/audit-event.ts'
import { checkCardImport, planCertificateRollover } from '../../accounts/partner-card.ts'
import type { CardImportRefusal, PartnerCard } from '../../accounts/partner-card.ts'
import { verifyPartnerCard } from '../../accounts/partner-card-verify.ts'
import type { CardFingerprints, CardVerificationCode } from '../../accounts/partner-card-verify.ts'
import { encodePem } from '../../crypto/certificate-pem.ts'
import { formatSerialNumber } from '../../crypto/certificate-serial.ts'
import { findAgencyByMailbox } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  findAgencyCertificate,
  insertAgencyCertificate,
  listAgencyCertificates,
  listTrustAnchors,
  setAgencyCertificateRetireAt,
  upsertTrustAnchor,
} from '../../db/certificate-repository.ts'
import { findAgencyFederation, savePartnerAgency } from '../../db/federation-repository.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'

/** Every reason a card is refused; `details.reason` of the error carries it. */
export type CardRefusal =
  CardVerificationCode | CardImportRefusal | 'mailbox_taken' | 'certificate_of_other_agency'

const refusalText: Record<CardImportRefusal, (card: PartnerCard) => string> = {
  agency_hosted_here: (card) =>
    `Agency ${card.agency.id} is hosted here: its keys are here, a card cannot replace them.`,
  card_not_newer: (card) =>
    `The card of ${card.agency.id} issued ${card.issuedAt} is not newer than the one imported; nothing imported.`,
}

function refuse(reason: CardRefusal, message: string): ApiError {
  const conflict = reason === 'agency_hosted_here' || reason === 'card_not_newer'
  return new ApiError(conflict ? 'conflict' : 'validation_failed', message, {
    details: { reason },
  })
}

/** What an operator sees before confirming an import. */
export interface CardPreview {
  card: PartnerCard
  fingerprints: CardFingerprints
  /** true when a card of this agency was imported before (a rollover or update). */
  replaces: boolean
}

/**
 * Verifies a card file and checks it may be imported here, writing nothing: what
 * `brucke agency import-card` and the admin page show before the operator confirms.
 * Throws an {@link ApiError} with `details.reason` ({@link CardRefusal}) when refused.
 */
export async function previewPartnerCard(
  deps: Pick<Deps, 'db' | 'clock'>,
  bytes: Uint8Array,
): Promise<CardPreview> {
  const verified = verifyPartnerCard(bytes, deps.clock.now())
  if (!verified.ok) throw refuse(verified.code, `Card refused: ${verified.reason}`)
  const known = await findAgencyFederation(deps.db, verified.card.agency.id)
  const check = checkCardImport(known, verified.card)
  if (!check.ok) throw refuse(check.refusal, refusalText[check.refusal](verified.card))
  return {
    card: verified.card,
    fingerprints: verified.fingerprints,
    replaces: known !== undefined,
  }
}

export interface ImportedPartnerCard extends CardPreview {
  added: string[]
  retiring: string[]
  retireAt: Date | null
}

/**
 * Imports a partner card in one transaction (issue 16, point 1): the agency as a partner
 * (hosted = 0) with its inbound address, CRL URL and card date; its certificates without keys;
 * its root CA as trust anchor with the CRL URL. A certificate the newer card drops stays in
 * service for `CARD_ROLLOVER_OVERLAP_DAYS`. Everything is checked again inside the
 * transaction, so a card imported meanwhile is not overwritten by an older one.
 */
export async function importPartnerCard(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  input: { actor: Actor; bytes: Uint8Array },
): Promise<ImportedPartnerCard> {
  const at = deps.clock.now()
  const verified = verifyPartnerCard(input.bytes, at)
  if (!verified.ok) throw refuse(verified.code, `Card refused: ${verified.reason}`)
  const { card, fingerprints, certificates, intermediates, root } = verified
  return deps.db.transaction().execute(async (trx) => {
    const known = await findAgencyFederation(trx, card.agency.id)
    const check = checkCardImport(known, card)
    if (!check.ok) throw refuse(check.refusal, refusalText[check.refusal](card))
    const sameMailbox = await findAgencyByMailbox(trx, card.agency.mailbox)
    if (sameMailbox !== undefined && sameMailbox.id !== card.agency.id)
      throw refuse(
        'mailbox_taken',
        `The mailbox ${card.agency.mailbox} belongs to agency ${sameMailbox.id} here.`,
      )
    for (const certificate of certificates) {
      const existing = await findAgencyCertificate(trx, certificate.fingerprintSha256)
      if (existing !== undefined && existing.agencyId !== card.agency.id)
        throw refuse(
          'certificate_of_other_agency',
          `Certificate ${certificate.fingerprintSha256} is registered for agency ${existing.agencyId}.`,
        )
    }
    await savePartnerAgency(trx, {
      card,
      cardSha256: fingerprints.card,
      at,
      exists: known !== undefined,
    })
    const anchor = (await listTrustAnchors(trx)).find((a) => a.id === root.fingerprintSha256)
    // A CA already trusted keeps its CRL source (it may be this instance's own, read from a file).
    if (anchor === undefined || (anchor.crlFile === null && anchor.crlUrl === null))
      await upsertTrustAnchor(trx, {
        id: root.fingerprintSha256,
        subject: root.subject,
        certificatePem: encodePem(root.der, 'CERTIFICATE'),
        notAfter: root.notAfter,
        crlFile: null,
        crlUrl: card.crlUrl,
        addedAt: anchor?.addedAt ?? at,
      })
    // seam: fed-crl refreshes the CRL from `crlUrl` on its schedule (not fetched here, inside
    // the transaction).
    const registered = await listAgencyCertificates(trx, {
      agencyId: card.agency.id,
      status: 'active',
    })
    const plan = planCertificateRollover({
      registered: registered.map((r) => ({ id: r.id, retireAt: r.retireAt ?? null })),
      onCard: certificates.map((c) => c.fingerprintSha256),
      at,
      overlapDays: deps.config.cardRolloverOverlapDays,
    })
    const chainPem = intermediates.map((c) => encodePem(c.der, 'CERTIFICATE')).join('')
    const added: string[] = []
    for (const certificate of certificates) {
      if (!plan.add.includes(certificate.fingerprintSha256)) continue
      // One withdrawn here (revoked) stays withdrawn, whatever the card says.
      if (await findAgencyCertificate(trx, certificate.fingerprintSha256)) continue
      await insertAgencyCertificate(trx, {
        id: certificate.fingerprintSha256,
        agencyId: card.agency.id,
        certificatePem: encodePem(certificate.der, 'CERTIFICATE'),
        chainPem,
        serialNumber: formatSerialNumber(certificate.serialNumber),
        subject: certificate.subject,
        issuer: certificate.issuer,
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter,
        status: 'active',
        addedAt: at,
        revokedAt: null,
        retireAt: null,
      })
      added.push(certificate.fingerprintSha256)
    }
    for (const retiring of plan.retire)
      await setAgencyCertificateRetireAt(trx, retiring.id, retiring.retireAt)
    for (const id of plan.reinstate) await setAgencyCertificateRetireAt(trx, id, null)
    const retireAt = plan.retire[0]?.retireAt ?? null
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'partner_card_imported',
        agencyId: card.agency.id,
        cardSha256: fingerprints.card,
        issuedAt: new Date(card.issuedAt).toISOString(),
        caSha256: root.fingerprintSha256,
        certificatesAdded: added,
        certificatesRetiring: plan.retire.map((r) => r.id),
        ...(retireAt === null ? {} : { retireAt: retireAt.toISOString() }),
        replaced: known !== undefined,
      },
    })
    return {
      card,
      fingerprints,
      replaces: known !== undefined,
      added,
      retiring: plan.retire.map((r) => r.id),
      retireAt,
    }
  })
}
