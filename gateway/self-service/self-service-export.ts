import { vocabulary } from '../../config/vocabulary.ts'
import { localized } from '../../consent/vocabulary.ts'
import { listAgencies } from '../../db/account-repository.ts'
import { formatPersonDate, formatPersonTime } from '../../templates/pages/i18n/person-dates.ts'
import {
  consentStatusLabel,
  consentTitle,
  denyReasonLabel,
  eventLabel,
  kindLabel,
  listSeparator,
  revocationChannelLabel,
  roleLabel,
  signatureMethodLabel,
  transferStatusLabel,
} from '../../templates/pages/i18n/person-labels.ts'
import { fill, stringsFor } from '../../templates/pages/i18n/person-language.ts'
import type { Deps } from '../deps.ts'
import { openPersonPdf } from '../pdf/person-pdf.ts'
import type { SelfServiceRecord } from './self-service-record.ts'

/*
 * The access export of `/me` (Art. 15 GDPR, § 83 SGB X): one document in the person's language,
 * as JSON (English keys; each code beside its label) and as PDF made from that same JSON.
 */

interface Labelled {
  id: string
  label: string
}
interface Agency {
  agencyId: string
  name: string
}

export interface SelfServiceExport {
  format: 'brucke-self-service-export/v1'
  language: string
  generatedAt: string
  title: string
  legalBasis: string
  person: {
    givenName: string
    familyName: string
    birthDate: string
    caseReferences: (Agency & { reference: string })[]
  } | null
  consents: {
    id: string
    title: string
    kind: Labelled
    status: Labelled
    createdAt: string
    preparedBy: Agency
    validFrom: string
    validUntil: string
    purposes: Labelled[]
    recipients: Agency[]
    categories: Labelled[]
    deselectedRecipients: Agency[]
    deselectedCategories: Labelled[]
    text: { templateId: string; version: number; language: string; sha256: string; body: string }
    signatures: {
      role: Labelled
      name: string
      signedAt: string
      method: Labelled
      textRead: { templateId: string; version: number; language: string; sha256: string } | null
    }[]
    revocation: { at: string; channel: Labelled } | null
    majority: { confirmBy: string; confirmedAt: string | null; lapsedAt: string | null } | null
    transfers: {
      id: string
      createdAt: string
      deliveredAt: string | null
      from: Agency
      to: Agency
      purpose: Labelled
      categories: Labelled[]
      status: Labelled
      auditEntries: { seq: number; type: Labelled; proofVerified: boolean | null }[]
    }[]
    refusedAttempts: {
      at: string
      from: Agency
      to: Agency
      purpose: Labelled
      categories: Labelled[]
      reasons: Labelled[]
    }[]
    history: { seq: number; at: string; event: Labelled; by: { kind: string; label: string } }[]
  }[]
  rights: string
}

/** The record in the person's language: codes kept, each with its plain label. */
export async function buildSelfServiceExport(
  deps: Deps,
  record: SelfServiceRecord,
  language: string,
): Promise<SelfServiceExport> {
  const t = stringsFor(language)
  const names = new Map((await listAgencies(deps.db)).map((a) => [a.id, a.name]))
  const agency = (agencyId: string): Agency => ({ agencyId, name: names.get(agencyId) ?? agencyId })
  const category = (id: string): Labelled => {
    const term = vocabulary.categories[id]
    return { id, label: term ? localized(term.label, language) : id }
  }
  const purpose = (id: string): Labelled => {
    const term = vocabulary.purposes[id]
    return { id, label: term ? localized(term.label, language) : id }
  }
  const subject = record.consents[0]?.consent.subject ?? null
  return {
    format: 'brucke-self-service-export/v1',
    language,
    generatedAt: record.generatedAt,
    title: t.exportTitle,
    legalBasis: t.exportLegal,
    person: subject && {
      givenName: subject.givenName,
      familyName: subject.familyName,
      birthDate: subject.birthDate,
      caseReferences: Object.entries(subject.caseRefs).map(([agencyId, reference]) => ({
        ...agency(agencyId),
        reference,
      })),
    },
    consents: record.consents.map(({ consent, transfers, majority, text, refusals, history }) => ({
      id: consent.id,
      title: consentTitle(
        language,
        consent.kind,
        formatPersonDate(language, consent.createdAt.slice(0, 10)),
      ),
      kind: { id: consent.kind, label: kindLabel(language, consent.kind) },
      status: { id: consent.status, label: consentStatusLabel(language, consent.status) },
      createdAt: consent.createdAt,
      preparedBy: agency(consent.createdByAgencyId),
      validFrom: consent.validFrom,
      validUntil: consent.validUntil,
      purposes: consent.purposes.map(purpose),
      recipients: consent.coveredRecipients.map(agency),
      categories: consent.coveredCategories.map(category),
      deselectedRecipients: consent.deselectedRecipients.map(agency),
      deselectedCategories: consent.deselectedCategories.map(category),
      text: { ...text.reference, body: text.text },
      signatures: consent.signatures.map((s) => ({
        role: { id: s.role, label: roleLabel(language, s.role) },
        name: s.name,
        signedAt: s.signedAt,
        method: { id: s.method, label: signatureMethodLabel(language, s.method) },
        textRead: s.text ?? null,
      })),
      revocation: consent.revocation && {
        at: consent.revocation.at,
        channel: {
          id: consent.revocation.channel,
          label: revocationChannelLabel(language, consent.revocation.channel),
        },
      },
      majority: majority && {
        confirmBy: majority.confirmBy,
        confirmedAt: majority.confirmedAt,
        lapsedAt: majority.lapsedAt,
      },
      transfers: transfers.map((tr) => ({
        id: tr.id,
        createdAt: tr.createdAt,
        deliveredAt: tr.deliveredAt,
        from: agency(tr.senderAgencyId),
        to: agency(tr.recipientAgencyId),
        purpose: purpose(tr.purpose),
        categories: tr.categories.map(category),
        status: { id: tr.status, label: transferStatusLabel(language, tr.status) },
        auditEntries: tr.evidence.map((e) => ({
          seq: e.seq,
          type: { id: e.type, label: eventLabel(language, e.type) },
          proofVerified: e.verified,
        })),
      })),
      refusedAttempts: refusals.map((r) => ({
        at: r.at,
        from: agency(r.senderAgencyId),
        to: agency(r.recipientAgencyId),
        purpose: purpose(r.purpose),
        categories: r.categories.map(category),
        reasons: r.reasons.map((reason) => ({
          id: reason,
          label: denyReasonLabel(language, reason),
        })),
      })),
      history: history.map((h) => ({
        seq: h.seq,
        at: h.at,
        event: { id: h.type, label: eventLabel(language, h.type) },
        by: {
          kind: h.by.kind,
          label:
            h.by.kind === 'you'
              ? t.youYourself
              : h.by.kind === 'system' || h.by.agencyId === null
                ? t.automatic
                : agency(h.by.agencyId).name,
        },
      })),
    })),
    rights: t.rights,
  }
}

/** The same export as a PDF, laid out in the person's language and direction. */
export async function selfServiceExportPdf(data: SelfServiceExport): Promise<Buffer> {
  const language = data.language
  const t = stringsFor(language)
  const date = (d: string) => formatPersonDate(language, d)
  const time = (at: string) => formatPersonTime(language, at)
  const list = (items: string[]) => (items.length > 0 ? items.join(listSeparator(language)) : '–')
  const labels = (items: Labelled[]) => list(items.map((i) => i.label))
  const agencies = (items: Agency[]) => list(items.map((a) => a.name))
  const pdf = await openPersonPdf({ language, title: data.title })
  pdf.heading(data.title, 18)
  pdf.text(fill(t.exportCreatedAt, { date: time(data.generatedAt) }))
  pdf.text(data.legalBasis)
  if (t.bindingNote) pdf.text(t.bindingNote)
  if (data.person) {
    pdf.heading(t.you)
    pdf.field(t.name, `${data.person.givenName} ${data.person.familyName}`)
    pdf.field(t.birthDate, date(data.person.birthDate))
    for (const ref of data.person.caseReferences)
      pdf.field(`${t.caseRefs} ${ref.name}`, ref.reference)
  }
  for (const c of data.consents) {
    pdf.heading(c.title)
    pdf.field(t.status, c.status.label)
    pdf.field(t.kind, c.kind.label)
    pdf.field(t.preparedBy, c.preparedBy.name)
    pdf.field(
      t.validity,
      fill(t.validityRange, { from: date(c.validFrom), until: date(c.validUntil) }),
    )
    pdf.field(t.purposes, labels(c.purposes))
    pdf.field(t.recipients, agencies(c.recipients))
    pdf.field(t.categories, labels(c.categories))
    pdf.field(
      t.deselected,
      list([
        ...c.deselectedRecipients.map((a) => a.name),
        ...c.deselectedCategories.map((l) => l.label),
      ]),
    )
    pdf.text(`${t.signatures}:`)
    for (const s of c.signatures)
      pdf.text(
        `${s.role.label}: ${s.name}, ${fill(t.signedAt, { date: time(s.signedAt) })}, ${s.method.label}`,
        {
          indent: 12,
        },
      )
    if (c.revocation)
      pdf.text(
        `${fill(t.revokedAt, { date: time(c.revocation.at) })} (${c.revocation.channel.label})`,
      )
    pdf.heading(t.transfers, 12)
    if (c.transfers.length === 0) pdf.text(t.noTransfers)
    for (const tr of c.transfers) {
      pdf.text(`${time(tr.createdAt)}: ${t.transferFrom} ${tr.from.name}, ${t.transferTo} ${tr.to.name}`, {
        bold: true,
      })
      pdf.field(t.purposes, tr.purpose.label)
      pdf.field(t.categories, labels(tr.categories))
      pdf.field(
        t.status,
        tr.deliveredAt ? fill(t.deliveredAt, { date: time(tr.deliveredAt) }) : tr.status.label,
      )
    }
    pdf.heading(t.refusals, 12)
    if (c.refusedAttempts.length === 0) pdf.text(t.noRefusals)
    for (const r of c.refusedAttempts) {
      pdf.text(`${time(r.at)}: ${t.transferFrom} ${r.from.name}, ${t.transferTo} ${r.to.name}`, {
        bold: true,
      })
      pdf.field(t.purposes, r.purpose.label)
      pdf.field(t.categories, labels(r.categories))
      for (const label of new Set(r.reasons.map((reason) => reason.label)))
        pdf.text(label, { indent: 12 })
    }
    pdf.heading(t.history, 12)
    for (const h of c.history) pdf.text(`${time(h.at)} · ${h.by.label}: ${h.event.label}`)
    pdf.heading(t.consentText, 12)
    pdf.text(c.text.body, { size: 9 })
    pdf.text(
      `${c.text.templateId} v${c.text.version} (${c.text.language}), SHA-256 ${c.text.sha256}`,
      {
        size: 7,
      },
    )
  }
  pdf.space()
  pdf.text(data.rights)
  return pdf.finish()
}
