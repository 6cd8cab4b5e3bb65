import type { Actor } from '../../audit/audit-event.ts'
import {
  inboundSmtpUrlSchema,
  partnerCardBytes,
  partnerCardSha256,
} from '../../accounts/partner-card.ts'
import type { PartnerCard, SignedPartnerCard } from '../../accounts/partner-card.ts'
import { encodePem } from '../../crypto/certificate-pem.ts'
import { parseCertificate } from '../../crypto/certificate-parse.ts'
import { signCms } from '../../crypto/cms-sign.ts'
import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { listAgencyCertificates, listTrustAnchors } from '../../db/certificate-repository.ts'
import { findAgencyFederation } from '../../db/federation-repository.ts'
import { certificateInService } from '../crypto/certificate-service.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import type { Config } from '../runtime-config.ts'

/** Certificates a card carries at most (the schema's limit). */
const maxCardCertificates = 8

/**
 * The inbound address a card names unless the operator gives one: `INBOUND_SMTP_PUBLIC_URL`,
 * else this instance's host on the inbound listener's default port.
 */
export function defaultInboundSmtpUrl(
  config: Pick<Config, 'inboundSmtpPublicUrl' | 'host' | 'inboundSmtpPort'>,
): string {
  if (config.inboundSmtpPublicUrl !== undefined) return config.inboundSmtpPublicUrl
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  // A listener on any free port (0) or none has no fixed address: the default port stands in.
  const port =
    typeof config.inboundSmtpPort === 'number' && config.inboundSmtpPort > 0
      ? config.inboundSmtpPort
      : 2526
  return `smtp://${host.includes(':') ? `[${host}]` : host}:${port}`
}

export interface ExportedPartnerCard {
  signed: SignedPartnerCard
  /** The file as written: pretty JSON with a final newline. */
  text: string
  cardSha256: string
}

/**
 * Exports the partner card of an agency hosted here (issue 16, point 1), signed with the
 * agency's own key through the relay keyring — a key in a PKCS#11 token signs the same way.
 * The card lists the signing certificate first, then the agency's other certificates still in
 * service (a rollover announces the new key before the old one goes), and the CA chain of the
 * signing certificate up to its root.
 */
export async function exportPartnerCard(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'relay'>,
  input: { actor: Actor; agencyId: string; inboundSmtp?: string },
): Promise<ExportedPartnerCard> {
  const agency = await findAgency(deps.db, input.agencyId)
  const federation = await findAgencyFederation(deps.db, input.agencyId)
  if (agency === undefined || federation === undefined)
    throw new ApiError('not_found', `No agency ${input.agencyId}.`)
  if (!federation.hosted)
    throw new ApiError(
      'conflict',
      `Agency ${agency.id} is a partner, not hosted here: only the gateway holding its key can issue its card.`,
      { details: { reason: 'agency_not_hosted' } },
    )
  const inbound = inboundSmtpUrlSchema.safeParse(
    input.inboundSmtp ?? defaultInboundSmtpUrl(deps.config),
  )
  if (!inbound.success)
    throw new ApiError('validation_failed', 'The inbound address must be smtp://host:port.')
  const at = deps.clock.now()
  const signer = await deps.relay.keyring.signer(agency.id, at)
  if (!signer.ok)
    throw new ApiError(
      'conflict',
      `Agency ${agency.id} cannot sign a card: ${signer.problem}${signer.certificateCode ? ` (${signer.certificateCode})` : ''}.`,
      { details: { reason: signer.problem } },
    )
  const { identity } = signer
  const current = parseCertificate(identity.certificate)
  const others = (await listAgencyCertificates(deps.db, { agencyId: agency.id, status: 'active' }))
    .filter((record) => record.id !== current.fingerprintSha256)
    .filter((record) => certificateInService(record, at) && record.notAfter > at)
    .map((record) => record.certificatePem)
  const rootDer = identity.chain[identity.chain.length - 1]
  if (rootDer === undefined) throw new ApiError('conflict', `No CA chain for ${agency.id}.`)
  const root = parseCertificate(rootDer)
  const anchor = (await listTrustAnchors(deps.db)).find((a) => a.id === root.fingerprintSha256)
  const card: PartnerCard = {
    format: 'brucke-partner-card',
    version: 1,
    agency: {
      id: agency.id,
      kind: agency.kind,
      name: agency.name,
      mailbox: agency.mailbox,
      smimeProfile: agency.smimeProfile,
      privacyNotice: agency.privacyNotice,
    },
    certificates: [encodePem(current.der, 'CERTIFICATE'), ...others].slice(0, maxCardCertificates),
    caChain: identity.chain.map((der) => encodePem(der, 'CERTIFICATE')),
    crlUrl: anchor?.crlUrl ?? null,
    inboundSmtp: inbound.data,
    issuedAt: at.toISOString(),
  }
  const signature = signCms({
    content: partnerCardBytes(card),
    signer: { key: identity.key, certificate: identity.certificate, chain: identity.chain },
    at,
    detached: true,
  })
  const signed: SignedPartnerCard = { card, signature: signature.toString('base64') }
  const cardSha256 = partnerCardSha256(card)
  await deps.db.transaction().execute(async (trx) => {
    await appendAuditEvent(trx, {
      at,
      actor: input.actor,
      event: {
        type: 'partner_card_exported',
        agencyId: agency.id,
        cardSha256,
        issuedAt: card.issuedAt,
        certificates: card.certificates.length,
      },
    })
  })
  return { signed, text: `${JSON.stringify(signed, null, 2)}\n`, cardSha256 }
}
