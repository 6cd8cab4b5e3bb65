import type { Kysely, Selectable, Transaction } from 'kysely'
import { z } from 'zod'
import type { AttestationSource } from '../consent/consent-attestation.ts'
import {
  agencyPrivacyNoticeSchema,
  consentKindSchema,
  consentSchema,
  consentScopeSchema,
  consentSubjectSchema,
  entrustingPersonSchema,
  signatoryRoleSchema,
  signatureMethodSchema,
  type Consent,
  type ConsentFacts,
  type ConsentSubject,
  type EntrustingPerson,
  type Revocation,
  type Signature,
  type SignatoryRole,
} from '../consent/consent.ts'
import { ConsentError } from '../consent/errors.ts'
import { preparedQuery } from './prepared-query.ts'
import type { ConsentTable } from './tables/consent-tables.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>
type ConsentRow = Selectable<ConsentTable>

const stringList = z.array(z.string())
const roleList = z.array(signatoryRoleSchema)
const caseRefsSchema = z.record(z.string(), z.string())
const textVersionsSchema = z.record(z.string(), z.number().int().positive())
const privacyNoticesSchema = z.array(agencyPrivacyNoticeSchema)

const json = (value: unknown): string => JSON.stringify(value)
const list = (text: string): string[] => stringList.parse(JSON.parse(text))

/** A consent as stored, with its subject and the open pickup code of a draft. */
export interface StoredConsent {
  consent: Consent
  subject: ConsentSubject
  kioskCode: string | null
  kioskCodeExpiresAt: string | null
}

export interface InsertConsentInput {
  consent: Consent
  subject: ConsentSubject
  /** First instant after the validity (for the expiry sweeper). */
  validEndAt: Date
  kioskCode: string
  kioskCodeExpiresAt: Date
}

/** Stores a new draft: the subject (once per pseudonym), the consent row and its party rows. */
export async function insertConsent(db: Executor, input: InsertConsentInput): Promise<void> {
  const { consent, subject } = input
  // ON CONFLICT DO NOTHING: two drafts for the same new young person may be created at once.
  await db
    .insertInto('consent_subjects')
    .values({
      pseudonym: consent.subjectPseudonym,
      given_name: subject.givenName,
      family_name: subject.familyName,
      birth_date: subject.birthDate,
      created_at: consent.createdAt,
    })
    .onConflict((conflict) => conflict.column('pseudonym').doNothing())
    .execute()
  await db
    .insertInto('consents')
    .values({
      id: consent.id,
      kind: consent.kind,
      scope: consent.scope,
      subject_pseudonym: consent.subjectPseudonym,
      created_by: consent.createdBy,
      created_by_agency_id: consent.createdByAgencyId,
      created_at: consent.createdAt,
      senders: json(consent.senders),
      recipients: json(consent.recipients),
      purposes: json(consent.purposes),
      categories: json(consent.categories),
      deselected_categories: json(consent.deselectedCategories),
      deselected_recipients: json(consent.deselectedRecipients),
      valid_from: consent.validFrom,
      valid_until: consent.validUntil,
      valid_end_at: input.validEndAt.toISOString(),
      text_template_id: consent.text.templateId,
      text_version: consent.text.version,
      text_language: consent.text.language,
      text_sha256: consent.text.sha256,
      released_professionals: json(consent.releasedProfessionals),
      required_signatories: json(consent.requiredSignatories),
      signed_roles: json(consent.signatures.map((s) => s.role)),
      entrusting_person:
        consent.entrustingPersons.length > 0 ? json(consent.entrustingPersons) : null,
      entrusted_categories: json(consent.entrustedCategories),
      case_refs: json(subject.caseRefs),
      revoked_at: null,
      discarded_at: consent.discardedAt,
      declined_at: null,
      decline_reason: null,
      lapsed_at: null,
      renews_consent_id: consent.renewsConsentId,
      renewed_at: null,
      renewed_by_consent_id: null,
      text_versions: json(consent.textVersions),
      privacy_notices: json(consent.privacyNotices),
      subject_given_name: subject.givenName,
      subject_family_name: subject.familyName,
      subject_birth_date: subject.birthDate,
      summary_sha256: consent.singleTransfer?.summarySha256 ?? null,
      used_by_transfer_id: null,
      kiosk_code: input.kioskCode,
      kiosk_code_expires_at: input.kioskCodeExpiresAt.toISOString(),
      expiry_recorded_at: null,
    })
    .execute()
  const parties = [
    ...consent.senders.map((agency_id) => ({ consent_id: consent.id, agency_id, role: 'sender' })),
    ...consent.recipients.map((agency_id) => ({
      consent_id: consent.id,
      agency_id,
      role: 'recipient',
    })),
  ]
  await db.insertInto('consent_parties').values(parties).execute()
}

/** One person as stored before several could be named, or the list stored since. */
function entrustingPersonsOf(text: string | null): EntrustingPerson[] {
  if (text === null) return []
  const parsed: unknown = JSON.parse(text)
  return Array.isArray(parsed)
    ? parsed.map((person) => entrustingPersonSchema.parse(person))
    : [entrustingPersonSchema.parse(parsed)]
}

/** The columns a decision reads: not the consent's personal data, texts or notices. */
const factsColumns = [
  'id',
  'subject_pseudonym',
  'senders',
  'recipients',
  'purposes',
  'categories',
  'deselected_categories',
  'deselected_recipients',
  'valid_from',
  'valid_until',
  'required_signatories',
  'signed_roles',
  'revoked_at',
  'discarded_at',
  'declined_at',
  'lapsed_at',
  'renewed_at',
  'summary_sha256',
  'used_by_transfer_id',
] as const satisfies readonly (keyof ConsentRow)[]
type FactsRow = Pick<ConsentRow, (typeof factsColumns)[number]>

export function factsFromRow(row: FactsRow): ConsentFacts {
  return {
    id: row.id,
    subjectPseudonym: row.subject_pseudonym,
    senders: list(row.senders),
    recipients: list(row.recipients),
    purposes: list(row.purposes),
    categories: list(row.categories),
    deselectedCategories: list(row.deselected_categories),
    deselectedRecipients: list(row.deselected_recipients),
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    requiredSignatories: roleList.parse(JSON.parse(row.required_signatories)),
    signedRoles: roleList.parse(JSON.parse(row.signed_roles)),
    revokedAt: row.revoked_at,
    discardedAt: row.discarded_at,
    declinedAt: row.declined_at,
    lapsedAt: row.lapsed_at,
    renewedAt: row.renewed_at,
    singleTransfer:
      row.summary_sha256 === null
        ? null
        : {
            summarySha256: row.summary_sha256,
            ...(row.used_by_transfer_id ? { usedByTransferId: row.used_by_transfer_id } : {}),
          },
  }
}

/** The facts a decision needs, read from one row by primary key (the decision hot path). */
export async function findConsentFacts(
  db: Executor,
  id: string,
): Promise<ConsentFacts | undefined> {
  const [row] = await consentFactsQuery.execute(db, { id })
  return row ? factsFromRow(row) : undefined
}

// Read by every transfer: built once, then only run (prepared-query.ts).
const consentRowQuery = preparedQuery<{ id: string }>()((db, slot) =>
  db.selectFrom('consents').selectAll().where('id', '=', slot('id')),
)

const signatureFactsQuery = preparedQuery<{ consentId: string }>()((db, slot) =>
  db
    .selectFrom('consent_signatures')
    .select(['role', 'signed_at', 'method'])
    .where('consent_id', '=', slot('consentId')),
)

/** Read by every decision and transfer: built once, then only run (prepared-query.ts). */
const consentFactsQuery = preparedQuery<{ id: string }>()((db, slot) =>
  db.selectFrom('consents').select(factsColumns).where('id', '=', slot('id')),
)

/** What an attestation reads of the consent row itself; the signatures come from their table. */
export type AttestationRowSource = Omit<AttestationSource, 'signatures'> & {
  person: MessagePerson | null
}

function attestationRowSource(row: ConsentRow): AttestationRowSource {
  const facts = factsFromRow(row)
  return {
    ...facts,
    kind: consentKindSchema.parse(row.kind),
    scope: consentScopeSchema.parse(row.scope),
    text: {
      templateId: row.text_template_id,
      version: Number(row.text_version),
      sha256: row.text_sha256,
    },
    entrustedCategories: list(row.entrusted_categories),
    revocation: facts.revokedAt === null ? null : { at: facts.revokedAt },
    // The person as this agency typed them: only ever placed inside the encrypted message.
    person:
      row.subject_given_name !== null &&
      row.subject_family_name !== null &&
      row.subject_birth_date !== null
        ? {
            name: `${row.subject_given_name} ${row.subject_family_name}`,
            birthDate: row.subject_birth_date,
          }
        : null,
  }
}

/** The signatures' role, instant and method, in signing order — never names or evidence. */
export async function listSignatureFacts(
  db: Executor,
  consentId: string,
): Promise<AttestationSource['signatures']> {
  const rows = await signatureFactsQuery.execute(db, { consentId })
  const roleOrder: readonly SignatoryRole[] = signatoryRoleSchema.options
  return rows
    .map((s) => ({
      role: signatoryRoleSchema.parse(s.role),
      signedAt: s.signed_at,
      method: signatureMethodSchema.parse(s.method),
    }))
    .sort(
      (a, b) =>
        a.signedAt.localeCompare(b.signedAt) ||
        roleOrder.indexOf(a.role) - roleOrder.indexOf(b.role),
    )
}

/**
 * What a transfer's consent attestation is built from (consent/consent-attestation.ts): the row
 * by primary key and the signatures' role, instant and method — never names or evidence. Two
 * indexed reads; nothing of the subject table is read.
 */
export async function findAttestationSource(
  db: Executor,
  id: string,
): Promise<(AttestationSource & { person: MessagePerson | null }) | undefined> {
  const [row, signatures] = await Promise.all([
    db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst(),
    listSignatureFacts(db, id),
  ])
  return row ? { ...attestationRowSource(row), signatures } : undefined
}

/** Who a case summary is about, as the recipient's staff read it (inside the encryption only). */
export interface MessagePerson {
  name: string
  birthDate: string
}

/**
 * What submitting a transfer reads of its consent, from one row in one statement: the facts of
 * the decision, the SHA-256 of the rendered text (what the message binds), the categories marked
 * as entrusted to the Jugendamt (§ 65 SGB VIII), and the row's part of the consent attestation —
 * so a permitted transfer reads only the signatures besides (not the row a second time).
 */
export async function findConsentForTransfer(
  db: Executor,
  id: string,
): Promise<
  | {
      facts: ConsentFacts
      textSha256: string
      entrustedCategories: string[]
      attestation: AttestationRowSource
    }
  | undefined
> {
  const [row] = await consentRowQuery.execute(db, { id })
  if (!row) return undefined
  const attestation = attestationRowSource(row)
  return {
    facts: factsFromRow(row),
    textSha256: row.text_sha256,
    entrustedCategories: list(row.entrusted_categories),
    attestation,
  }
}

/** The facts of every consent of one subject (indexed by pseudonym). */
export async function listConsentFactsOfSubject(
  db: Executor,
  subjectPseudonym: string,
): Promise<ConsentFacts[]> {
  const rows = await db
    .selectFrom('consents')
    .select(factsColumns)
    .where('subject_pseudonym', '=', subjectPseudonym)
    .execute()
  return rows.map(factsFromRow)
}

async function assemble(db: Executor, rows: ConsentRow[]): Promise<StoredConsent[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const pseudonyms = [...new Set(rows.map((r) => r.subject_pseudonym))]
  const [signatures, revocations, subjects] = await Promise.all([
    db.selectFrom('consent_signatures').selectAll().where('consent_id', 'in', ids).execute(),
    db.selectFrom('consent_revocations').selectAll().where('consent_id', 'in', ids).execute(),
    db.selectFrom('consent_subjects').selectAll().where('pseudonym', 'in', pseudonyms).execute(),
  ])
  const roleOrder: readonly SignatoryRole[] = signatoryRoleSchema.options
  return rows.map((row) => {
    const facts = factsFromRow(row)
    const subjectRow = subjects.find((s) => s.pseudonym === row.subject_pseudonym)
    if (!subjectRow) throw new Error(`consent ${row.id} has no subject row`)
    const revocation = revocations.find((r) => r.consent_id === row.id)
    const consent = consentSchema.parse({
      id: row.id,
      kind: row.kind,
      scope: row.scope,
      subjectPseudonym: row.subject_pseudonym,
      createdBy: row.created_by,
      createdByAgencyId: row.created_by_agency_id,
      createdAt: row.created_at,
      senders: facts.senders,
      recipients: facts.recipients,
      purposes: facts.purposes,
      categories: facts.categories,
      validFrom: row.valid_from,
      validUntil: row.valid_until,
      text: {
        templateId: row.text_template_id,
        version: Number(row.text_version),
        language: row.text_language,
        sha256: row.text_sha256,
      },
      releasedProfessionals: list(row.released_professionals),
      entrustingPersons: entrustingPersonsOf(row.entrusting_person),
      entrustedCategories: list(row.entrusted_categories),
      requiredSignatories: facts.requiredSignatories,
      signatures: signatures
        .filter((s) => s.consent_id === row.id)
        .sort(
          (a, b) =>
            a.signed_at.localeCompare(b.signed_at) ||
            roleOrder.indexOf(a.role as SignatoryRole) - roleOrder.indexOf(b.role as SignatoryRole),
        )
        .map((s) => ({
          role: s.role,
          name: s.name,
          signedAt: s.signed_at,
          method: s.method,
          evidenceSha256: s.evidence_sha256,
          ...(s.kiosk_device ? { kioskDevice: s.kiosk_device } : {}),
          ...(s.attending_staff ? { attendingStaff: s.attending_staff } : {}),
          ...(s.text_sha256 !== null
            ? {
                text: {
                  templateId: s.text_template_id,
                  version: Number(s.text_version),
                  language: s.text_language,
                  sha256: s.text_sha256,
                },
              }
            : {}),
        })),
      deselectedCategories: facts.deselectedCategories,
      deselectedRecipients: facts.deselectedRecipients,
      revocation: revocation
        ? {
            at: revocation.at,
            channel: revocation.channel,
            by: revocation.by,
            ...(revocation.reason !== null ? { reason: revocation.reason } : {}),
          }
        : null,
      discardedAt: row.discarded_at,
      declinedAt: row.declined_at,
      declineReason: row.decline_reason,
      lapsedAt: row.lapsed_at,
      renewsConsentId: row.renews_consent_id,
      renewedAt: row.renewed_at,
      renewedByConsentId: row.renewed_by_consent_id,
      textVersions: textVersionsSchema.parse(JSON.parse(row.text_versions)),
      privacyNotices: privacyNoticesSchema.parse(JSON.parse(row.privacy_notices)),
      singleTransfer: facts.singleTransfer,
    })
    // The spelling this consent's agency typed, never another agency's (same pseudonym).
    const subject = consentSubjectSchema.parse({
      givenName: row.subject_given_name ?? subjectRow.given_name,
      familyName: row.subject_family_name ?? subjectRow.family_name,
      birthDate: row.subject_birth_date ?? subjectRow.birth_date,
      caseRefs: caseRefsSchema.parse(JSON.parse(row.case_refs)),
    })
    return {
      consent,
      subject,
      kioskCode: row.kiosk_code,
      kioskCodeExpiresAt: row.kiosk_code_expires_at,
    }
  })
}

/** The full consent with signatures, revocation and subject. */
export async function findConsent(db: Executor, id: string): Promise<StoredConsent | undefined> {
  const row = await db.selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) return undefined
  return (await assemble(db, [row]))[0]
}

/**
 * The consents an agency may see: those it is a party to or prepared (docs/design.md §3.3 point 6),
 * newest first. There is deliberately no lookup by name or birth date.
 */
export async function listConsentsOfAgency(
  db: Executor,
  agencyId: string,
  limit: number,
): Promise<StoredConsent[]> {
  const rows = await db
    .selectFrom('consents')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('created_by_agency_id', '=', agencyId),
        eb(
          'id',
          'in',
          eb.selectFrom('consent_parties').select('consent_id').where('agency_id', '=', agencyId),
        ),
      ]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()
  return assemble(db, rows)
}

/** The open draft holding a pickup code that has not expired at `now`. */
export async function findConsentByKioskCode(
  db: Executor,
  code: string,
  now: Date,
): Promise<StoredConsent | undefined> {
  const row = await db
    .selectFrom('consents')
    .selectAll()
    .where('kiosk_code', '=', code)
    .where('kiosk_code_expires_at', '>', now.toISOString())
    .executeTakeFirst()
  if (!row) return undefined
  return (await assemble(db, [row]))[0]
}

/** Frees expired pickup codes so they can be handed out again. */
export async function releaseExpiredKioskCodes(db: Executor, now: Date): Promise<void> {
  await db
    .updateTable('consents')
    .set({ kiosk_code: null, kiosk_code_expires_at: null })
    .where('kiosk_code_expires_at', '<=', now.toISOString())
    .execute()
}

export async function isKioskCodeTaken(db: Executor, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('consents')
    .select('id')
    .where('kiosk_code', '=', code)
    .executeTakeFirst()
  return row !== undefined
}

export interface SignatureRecord extends Signature {
  /** The drawn image or scan reference, kept in the consent store only. */
  evidence: string
}

/**
 * The evidence kept with each signature of a consent (drawing, typed signature, scan,
 * circumstances), for the person's own receipt; with the SHA-256 recorded at signing.
 */
export async function findSignatureEvidence(
  db: Executor,
  consentId: string,
): Promise<{ role: SignatoryRole; evidence: string; evidenceSha256: string }[]> {
  const rows = await db
    .selectFrom('consent_signatures')
    .select(['role', 'evidence', 'evidence_sha256'])
    .where('consent_id', '=', consentId)
    .execute()
  return rows.map((row) => ({
    role: signatoryRoleSchema.parse(row.role),
    evidence: row.evidence,
    evidenceSha256: row.evidence_sha256,
  }))
}

/** Stores a signature and the consent's new summary facts after it. */
export async function insertSignature(
  db: Executor,
  input: {
    consentId: string
    signature: SignatureRecord
    requiredSignatories: readonly SignatoryRole[]
    signedRoles: readonly SignatoryRole[]
    deselectedCategories: readonly string[]
    deselectedRecipients: readonly string[]
    /** Whether the draft is complete; its pickup code is then released. */
    complete: boolean
  },
): Promise<void> {
  const s = input.signature
  await db
    .insertInto('consent_signatures')
    .values({
      consent_id: input.consentId,
      role: s.role,
      name: s.name,
      signed_at: s.signedAt,
      method: s.method,
      evidence: s.evidence,
      evidence_sha256: s.evidenceSha256,
      kiosk_device: s.kioskDevice ?? null,
      attending_staff: s.attendingStaff ?? null,
      text_template_id: s.text?.templateId ?? null,
      text_version: s.text?.version ?? null,
      text_language: s.text?.language ?? null,
      text_sha256: s.text?.sha256 ?? null,
    })
    .execute()
  await db
    .updateTable('consents')
    .set({
      required_signatories: json(input.requiredSignatories),
      signed_roles: json(input.signedRoles),
      deselected_categories: json(input.deselectedCategories),
      deselected_recipients: json(input.deselectedRecipients),
      ...(input.complete ? { kiosk_code: null, kiosk_code_expires_at: null } : {}),
    })
    .where('id', '=', input.consentId)
    .execute()
}

export async function insertRevocation(
  db: Executor,
  consentId: string,
  revocation: Revocation,
): Promise<void> {
  await db
    .insertInto('consent_revocations')
    .values({
      consent_id: consentId,
      at: revocation.at,
      channel: revocation.channel,
      by: revocation.by,
      reason: revocation.reason ?? null,
    })
    .execute()
  await db
    .updateTable('consents')
    .set({ revoked_at: revocation.at })
    .where('id', '=', consentId)
    .execute()
}

export async function markConsentDiscarded(
  db: Executor,
  consentId: string,
  at: Date,
): Promise<void> {
  await db
    .updateTable('consents')
    .set({ discarded_at: at.toISOString(), kiosk_code: null, kiosk_code_expires_at: null })
    .where('id', '=', consentId)
    .execute()
}

/** The person declined the draft at the kiosk: it is `declined`, and its pickup code dies. */
export async function markConsentDeclined(
  db: Executor,
  consentId: string,
  input: { at: Date; reason: string | null },
): Promise<void> {
  await db
    .updateTable('consents')
    .set({
      declined_at: input.at.toISOString(),
      decline_reason: input.reason,
      kiosk_code: null,
      kiosk_code_expires_at: null,
    })
    .where('id', '=', consentId)
    .execute()
}

/** The consent lapsed at majority (not a revocation: nobody revoked it). */
export async function markConsentLapsed(db: Executor, consentId: string, at: Date): Promise<void> {
  await db
    .updateTable('consents')
    .set({ lapsed_at: at.toISOString() })
    .where('id', '=', consentId)
    .execute()
}

/**
 * A renewal of the consent was signed at `at` (issue 18 point 5): it ends then. Only an end not
 * yet recorded is written; returns whether this call wrote it.
 */
export async function markConsentRenewed(
  db: Executor,
  consentId: string,
  input: { at: Date; byConsentId: string },
): Promise<boolean> {
  const result = await db
    .updateTable('consents')
    .set({ renewed_at: input.at.toISOString(), renewed_by_consent_id: input.byConsentId })
    .where('id', '=', consentId)
    .where('renewed_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Marks a single-transfer consent as used up by a transfer (docs/design.md §3.1). Call it in the
 * transaction that queues the transfer, after `decide` permitted it. Idempotent for the same
 * transfer.
 *
 * @throws ConsentError `ERR_CONSENT_NOT_FOUND` when there is no single-transfer consent of that
 * id, `ERR_CONSENT_ALREADY_USED` when another transfer used it.
 */
export async function markConsentUsed(
  db: Executor,
  consentId: string,
  transferId: string,
): Promise<void> {
  const result = await db
    .updateTable('consents')
    .set({ used_by_transfer_id: transferId })
    .where('id', '=', consentId)
    .where('summary_sha256', 'is not', null)
    .where((eb) =>
      eb.or([eb('used_by_transfer_id', 'is', null), eb('used_by_transfer_id', '=', transferId)]),
    )
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 1) return
  const row = await db
    .selectFrom('consents')
    .select(['summary_sha256'])
    .where('id', '=', consentId)
    .executeTakeFirst()
  if (!row || row.summary_sha256 === null)
    throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No single-transfer consent with this id.')
  throw new ConsentError('ERR_CONSENT_ALREADY_USED', 'This consent was used by another transfer.')
}

/** Consents whose validity ended before `now` and whose expiry is not yet in the audit log. */
export async function listConsentsToRecordExpiry(
  db: Executor,
  now: Date,
  limit: number,
): Promise<ConsentFacts[]> {
  const rows = await db
    .selectFrom('consents')
    .selectAll()
    .where('expiry_recorded_at', 'is', null)
    .where('valid_end_at', '<=', now.toISOString())
    .orderBy('valid_end_at')
    .limit(limit)
    .execute()
  return rows.map(factsFromRow)
}

/** Records that the expiry was written; returns false if another sweeper got there first. */
export async function markExpiryRecorded(
  db: Executor,
  consentId: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('consents')
    .set({ expiry_recorded_at: at.toISOString() })
    .where('id', '=', consentId)
    .where('expiry_recorded_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
