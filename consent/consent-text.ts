import { createHash } from 'node:crypto'
import { z } from 'zod'
import type { CalendarDate } from './calendar.ts'
import type {
  AgencyPrivacyNotice,
  ConsentKind,
  EntrustingPerson,
  TextReference,
} from './consent.ts'
import { ConsentError } from './errors.ts'
import { isSpecialCategory, localized, type Vocabulary } from './vocabulary.ts'

/**
 * One consent text template: operator-editable, versioned; one file per language. A new wording
 * is a new version, and old consents keep pointing at the version they were signed under.
 */
export const consentTemplateSchema = z.strictObject({
  templateId: z.string().regex(/^[a-z][a-z0-9-]{1,60}$/),
  version: z.number().int().positive(),
  language: z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/),
  body: z.string().min(1),
})
export type ConsentTemplate = z.infer<typeof consentTemplateSchema>

export interface NamedAgency {
  id: string
  name: string
}

export interface ConsentTextInput {
  kind: ConsentKind
  senders: readonly NamedAgency[]
  recipients: readonly NamedAgency[]
  purposes: readonly string[]
  categories: readonly string[]
  validFrom: CalendarDate
  validUntil: CalendarDate
  releasedProfessionals: readonly string[]
  entrustingPersons: readonly EntrustingPerson[]
  summarySha256: string | null
  /** Whom to ask: the preparing agency and its functional mailbox. */
  contact: string
  /** The young person whose data it is, as the preparing agency typed the name. */
  subjectName: string
  /** The preparing agency: it keeps the consent record, the signatures and the receipt. */
  preparer: string
  /** Art. 13 GDPR information of the senders and recipients, fixed when the draft was made. */
  privacyNotices: readonly AgencyPrivacyNotice[]
  /** A guardian signs too (a minor): the text says so and that the youth confirms at 18. */
  guardianRequired: boolean
}

export interface RenderedConsentText {
  text: string
  reference: TextReference
}

/**
 * An approval of one template version in one language, bound to the SHA-256 of the body that
 * was approved: an edited file is no longer approved (docs/design.md §3.1: a new wording is a new
 * version, approved by the DPO).
 */
export interface TemplateApproval {
  templateId: string
  version: number
  language: string
  bodySha256: string
  approvedBy: string
  approvedAt: string
}

/** The consent texts an instance offers: the templates and the approvals shipped with them. */
export interface ConsentTextLibrary {
  templates: readonly ConsentTemplate[]
  shippedApprovals: readonly TemplateApproval[]
}

export function templateBodySha256(template: Pick<ConsentTemplate, 'body'>): string {
  return createHash('sha256').update(template.body, 'utf8').digest('hex')
}

export function isTemplateApproved(
  template: ConsentTemplate,
  approvals: readonly TemplateApproval[],
): boolean {
  const sha256 = templateBodySha256(template)
  return approvals.some(
    (a) =>
      a.templateId === template.templateId &&
      a.version === template.version &&
      a.language === template.language &&
      a.bodySha256 === sha256,
  )
}

/**
 * The newest approved version per language of a template: what a new draft fixes for every
 * language it may be read in. Languages without an approved version are absent.
 */
export function approvedTextVersions(
  templates: readonly ConsentTemplate[],
  approvals: readonly TemplateApproval[],
  templateId: string,
): Record<string, number> {
  const versions: Record<string, number> = {}
  for (const t of templates) {
    if (t.templateId !== templateId || !isTemplateApproved(t, approvals)) continue
    if ((versions[t.language] ?? 0) < t.version) versions[t.language] = t.version
  }
  return versions
}

/** Exactly this version of a template in a language. */
export function findTemplateVersion(
  templates: readonly ConsentTemplate[],
  reference: { templateId: string; version: number; language: string },
): ConsentTemplate {
  const found = templates.find(
    (t) =>
      t.templateId === reference.templateId &&
      t.version === reference.version &&
      t.language === reference.language,
  )
  if (!found)
    throw new ConsentError(
      'ERR_CONSENT_UNKNOWN_LANGUAGE',
      `No consent text ${reference.templateId} v${reference.version} in ${reference.language}.`,
      { details: { ...reference } },
    )
  return found
}

/** The newest version of a template in a language. */
export function findConsentTemplate(
  templates: readonly ConsentTemplate[],
  templateId: string,
  language: string,
): ConsentTemplate {
  let found: ConsentTemplate | undefined
  for (const t of templates) {
    if (
      t.templateId === templateId &&
      t.language === language &&
      (!found || t.version > found.version)
    )
      found = t
  }
  if (!found)
    throw new ConsentError(
      'ERR_CONSENT_UNKNOWN_LANGUAGE',
      `No consent text ${templateId} in ${language}.`,
      {
        details: {
          templateId,
          language,
        },
      },
    )
  return found
}

/** The template id used for a kind of consent. */
export function templateIdFor(kind: ConsentKind): string {
  return kind
}

const germanMonths = [
  'Januar',
  'Februar',
  'März',
  'April',
  'Mai',
  'Juni',
  'Juli',
  'August',
  'September',
  'Oktober',
  'November',
  'Dezember',
]

/**
 * A calendar date as the text in `language` writes it: `02.03.2026`; in Leichte Sprache the
 * month as a word and no leading zero, `2. März 2026` (Netzwerk Leichte Sprache: dates written
 * out, no number codes).
 */
function dateIn(language: string, date: CalendarDate): string {
  const [y, m, d] = date.split('-') as [string, string, string]
  if (language === 'de-ls') return `${Number(d)}. ${germanMonths[Number(m) - 1]} ${y}`
  return `${d}.${m}.${y}`
}

const bullets = (lines: readonly string[]): string => lines.map((line) => `- ${line}`).join('\n')

/**
 * Renders a consent text. Deterministic: the same template and input give the same text, byte
 * for byte, and so the same SHA-256 — which the consent stores to prove what was shown.
 *
 * Placeholders `{{name}}`; blocks `{{#flag}}…{{/flag}}` (shown when true) and
 * `{{^flag}}…{{/flag}}` (shown when false); comments `{{! … }}`, left out. An unknown placeholder
 * is a template error.
 */
export function renderConsentText(
  template: ConsentTemplate,
  input: ConsentTextInput,
  vocabulary: Vocabulary,
): RenderedConsentText {
  const language = template.language
  const normal = input.categories.filter((c) => !isSpecialCategory(vocabulary, c))
  const special = input.categories.filter((c) => isSpecialCategory(vocabulary, c))
  const category = (c: string): string => {
    const term = vocabulary.categories[c]
    return term ? `${localized(term.label, language)}: ${localized(term.explanation, language)}` : c
  }
  const purposeLine = (p: string): string => {
    const term = vocabulary.purposes[p]
    return term ? `${localized(term.label, language)}: ${localized(term.explanation, language)}` : p
  }
  // Only named persons appear; one reads exactly as before several could be named.
  const entrusting = input.entrustingPersons.flatMap((p) =>
    p.isYouth ? [] : [`${p.name}${p.relation ? ` (${p.relation})` : ''}`],
  )
  const agencyName = new Map(
    [...input.senders, ...input.recipients].map((a) => [a.id, a.name] as const),
  )
  const nameOf = (agencyId: string): string => agencyName.get(agencyId) ?? agencyId
  // One line per supervisory authority, naming every agency it is competent for.
  const authorities = new Map<string, string[]>()
  for (const n of input.privacyNotices)
    authorities.set(n.supervisoryAuthority, [
      ...(authorities.get(n.supervisoryAuthority) ?? []),
      nameOf(n.agencyId),
    ])
  const values: Record<string, string> = {
    senders: bullets(input.senders.map((a) => a.name)),
    recipients: bullets(input.recipients.map((a) => a.name)),
    purposes: bullets(input.purposes.map(purposeLine)),
    gains: bullets(
      input.purposes.flatMap((p) => {
        const term = vocabulary.purposes[p]
        return term ? [localized(term.gain, language)] : []
      }),
    ),
    categories: bullets(normal.map(category)),
    specialCategories: bullets(special.map(category)),
    validFrom: dateIn(language, input.validFrom),
    validUntil: dateIn(language, input.validUntil),
    releasedProfessionals: bullets(input.releasedProfessionals),
    entrustingPerson: entrusting.join(', '),
    summarySha256: input.summarySha256 ?? '',
    contact: input.contact,
    subjectName: input.subjectName,
    preparer: input.preparer,
    controllers: bullets(input.privacyNotices.map((n) => `${nameOf(n.agencyId)}: ${n.controller}`)),
    dpoContacts: bullets(input.privacyNotices.map((n) => `${nameOf(n.agencyId)}: ${n.dpoContact}`)),
    supervisoryAuthorities: bullets(
      [...authorities].map(([authority, names]) => `${names.join(', ')}: ${authority}`),
    ),
  }
  const flags: Record<string, boolean> = {
    normal: normal.length > 0,
    special: special.length > 0,
    single: input.summarySha256 !== null,
    released: input.releasedProfessionals.length > 0,
    entrusting: entrusting.length > 0,
    guardian: input.guardianRequired,
  }
  // `{{! … }}` marks structure for the translators and the tests (e.g. `{{!section rights}}`);
  // it is not part of the text. A comment alone on its line takes the line with it.
  const withoutComments = template.body
    .replace(/^[ \t]*\{\{![^}]*\}\}[ \t]*\r?\n/gm, '')
    .replace(/\{\{![^}]*\}\}/g, '')
  const withBlocks = withoutComments.replace(
    /\{\{([#^])([a-zA-Z0-9]+)\}\}([\s\S]*?)\{\{\/\2\}\}/g,
    (_m, mode: string, flag: string, inner: string) => {
      const value = flags[flag]
      if (value === undefined) throw new Error(`consent template: unknown block ${flag}`)
      return (mode === '#') === value ? inner : ''
    },
  )
  const filled = withBlocks.replace(/\{\{([a-zA-Z0-9]+)\}\}/g, (_m, name: string) => {
    const value = values[name]
    if (value === undefined) throw new Error(`consent template: unknown placeholder ${name}`)
    return value
  })
  if (/\{\{|\}\}/.test(filled))
    throw new Error('consent template: unbalanced {{ }} left after rendering')
  const text = `${filled
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`
  return {
    text,
    reference: {
      templateId: template.templateId,
      version: template.version,
      language,
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    },
  }
}
