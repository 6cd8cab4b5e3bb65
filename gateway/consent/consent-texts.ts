import type { Actor } from '../../audit/audit-event.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import type { AgencyPrivacyNotice, Consent, ConsentSubject } from '../../consent/consent.ts'
import {
  findTemplateVersion,
  isTemplateApproved,
  renderConsentText,
  templateBodySha256,
  type RenderedConsentText,
  type TemplateApproval,
} from '../../consent/consent-text.ts'
import { ConsentError } from '../../consent/errors.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  listTemplateApprovals,
  upsertTemplateApproval,
} from '../../db/consent-template-repository.ts'
import type { Deps } from '../deps.ts'

type TextDeps = Pick<Deps, 'db' | 'consentTexts'>

/** Agency names and kinds by id, as the texts and the rules need them. */
export async function agencyDirectory(db: Deps['db']) {
  const agencies = await listAgencies(db)
  return {
    kinds: new Map<string, string>(agencies.map((a) => [a.id, a.kind])),
    names: new Map(agencies.map((a) => [a.id, a.name])),
    byId: new Map(agencies.map((a) => [a.id, a])),
  }
}

/** Release approvals plus those a DPO gave in this instance. */
export async function currentApprovals(deps: TextDeps): Promise<TemplateApproval[]> {
  return [...deps.consentTexts.shippedApprovals, ...(await listTemplateApprovals(deps.db))]
}

/**
 * The template version a consent is read in, per language: the one fixed when the draft was
 * made; consents from before that was kept were all made under their own text's version.
 */
export function textVersionFor(consent: Consent, language: string): number {
  const fixed = consent.textVersions[language]
  if (fixed !== undefined) return fixed
  if (Object.keys(consent.textVersions).length === 0) return consent.text.version
  throw new ConsentError(
    'ERR_CONSENT_UNKNOWN_LANGUAGE',
    `This consent has no approved text in ${language}.`,
    { details: { language } },
  )
}

/** The agencies a consent text can name: those whose Art. 13 GDPR information is configured. */
export function agenciesWithPrivacyNotice(
  directory: Awaited<ReturnType<typeof agencyDirectory>>,
): Set<string> {
  return new Set([...directory.byId.values()].filter((a) => a.privacyNotice).map((a) => a.id))
}

/**
 * The Art. 13 GDPR information of every sender and recipient as the agencies have it configured
 * now (a draft copies it, docs/design.md §3.1). An agency without it is left out here; drafting
 * refuses a consent naming one (`ERR_CONSENT_PRIVACY_NOTICE_MISSING`).
 */
export function privacyNoticesOf(
  parties: { senders: readonly string[]; recipients: readonly string[] },
  directory: Awaited<ReturnType<typeof agencyDirectory>>,
): AgencyPrivacyNotice[] {
  const ids = [...new Set([...parties.senders, ...parties.recipients])]
  return ids.flatMap((agencyId) => {
    const notice = directory.byId.get(agencyId)?.privacyNotice
    return notice ? [{ agencyId, ...notice }] : []
  })
}

/** A consent with the person it is about, as its text needs them. */
export interface ConsentWithSubject {
  consent: Consent
  subject: Pick<ConsentSubject, 'givenName' | 'familyName'>
}

/** The consent text of a consent in a language, exactly as a reader of it sees it. */
export async function renderTextOfConsent(
  deps: TextDeps,
  stored: ConsentWithSubject,
  language: string,
): Promise<RenderedConsentText> {
  const directory = await agencyDirectory(deps.db)
  return renderWith(deps, stored, language, directory)
}

/**
 * Renders with the agency names of `directory`; everything else comes from the consent itself
 * (its Art. 13 information was copied when the draft was made), so the text read at the kiosk
 * and the one a signature records are the same text.
 */
export function renderWith(
  deps: Pick<Deps, 'consentTexts'>,
  stored: ConsentWithSubject,
  language: string,
  directory: Awaited<ReturnType<typeof agencyDirectory>>,
): RenderedConsentText {
  const { consent, subject } = stored
  const template = findTemplateVersion(deps.consentTexts.templates, {
    templateId: consent.text.templateId,
    version: textVersionFor(consent, language),
    language,
  })
  const named = (ids: readonly string[]) =>
    ids.map((id) => ({ id, name: directory.names.get(id) ?? id }))
  const creator = directory.byId.get(consent.createdByAgencyId)
  return renderConsentText(
    template,
    {
      kind: consent.kind,
      senders: named(consent.senders),
      recipients: named(consent.recipients),
      purposes: consent.purposes,
      categories: consent.categories,
      validFrom: consent.validFrom,
      validUntil: consent.validUntil,
      releasedProfessionals: consent.releasedProfessionals,
      entrustingPersons: consent.entrustingPersons,
      summarySha256: consent.singleTransfer?.summarySha256 ?? null,
      contact: creator ? `${creator.name} (${creator.mailbox})` : '',
      subjectName: `${subject.givenName} ${subject.familyName}`,
      preparer: creator?.name ?? consent.createdByAgencyId,
      privacyNotices: consent.privacyNotices,
      guardianRequired: consent.requiredSignatories.includes('guardian'),
    },
    vocabulary,
  )
}

/** A template version as the DPO and staff see it. */
export interface ConsentTextInfo {
  templateId: string
  version: number
  language: string
  bodySha256: string
  approved: boolean
  approvedBy: string | null
  approvedAt: string | null
}

export async function listConsentTexts(deps: TextDeps): Promise<ConsentTextInfo[]> {
  const approvals = await currentApprovals(deps)
  return deps.consentTexts.templates.map((t) => {
    const sha256 = templateBodySha256(t)
    const approval = approvals.find(
      (a) =>
        a.templateId === t.templateId &&
        a.version === t.version &&
        a.language === t.language &&
        a.bodySha256 === sha256,
    )
    return {
      templateId: t.templateId,
      version: t.version,
      language: t.language,
      bodySha256: sha256,
      approved: approval !== undefined,
      approvedBy: approval?.approvedBy ?? null,
      approvedAt: approval?.approvedAt ?? null,
    }
  })
}

/**
 * A DPO approves a template version in one language (docs/design.md §3.1): from then on new drafts
 * use it when it is the newest approved one. The approval binds the body's SHA-256.
 */
export async function approveConsentText(
  deps: TextDeps & Pick<Deps, 'clock'>,
  input: { actor: Actor; templateId: string; version: number; language: string },
): Promise<ConsentTextInfo> {
  const template = findTemplateVersion(deps.consentTexts.templates, input)
  const now = deps.clock.now()
  const approval: TemplateApproval = {
    templateId: template.templateId,
    version: template.version,
    language: template.language,
    bodySha256: templateBodySha256(template),
    approvedBy: input.actor,
    approvedAt: now.toISOString(),
  }
  if (!isTemplateApproved(template, await currentApprovals(deps)))
    await deps.db.transaction().execute(async (trx) => {
      await upsertTemplateApproval(trx, approval)
      await appendAuditEvent(trx, {
        at: now,
        actor: input.actor,
        event: {
          type: 'consent_text_approved',
          templateId: approval.templateId,
          version: approval.version,
          language: approval.language,
          bodySha256: approval.bodySha256,
        },
      })
    })
  const info = (await listConsentTexts(deps)).find(
    (t) =>
      t.templateId === template.templateId &&
      t.version === template.version &&
      t.language === template.language,
  )
  if (!info) throw new Error('approved template vanished')
  return info
}
