import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  approvedTextVersions,
  findConsentTemplate,
  isTemplateApproved,
  renderConsentText,
  templateBodySha256,
  type ConsentTextInput,
} from '../../../consent/consent-text.ts'
import {
  loadConsentTemplates,
  loadConsentTextLibrary,
} from '../../../templates/consent/load-consent-templates.ts'
import { vocabulary } from './fixtures.ts'

// Reading the committed template files is the point of this test; it stays free of other I/O.
const templates = loadConsentTemplates()

const input = (overrides: Partial<ConsentTextInput> = {}): ConsentTextInput => ({
  kind: 'einwilligung',
  senders: [{ id: 'jc-demo', name: 'Jobcenter Demo-Stadt' }],
  recipients: [{ id: 'ja-demo', name: 'Jugendamt Demo-Stadt' }],
  purposes: ['hilfeplanung'],
  categories: ['schule', 'gesundheit', 'justiz'],
  validFrom: '2026-03-02',
  validUntil: '2026-12-31',
  releasedProfessionals: [],
  entrustingPersons: [],
  summarySha256: null,
  contact: 'Jobcenter Demo-Stadt (u25@jc-demo.example)',
  subjectName: 'Mila Beispiel',
  preparer: 'Jobcenter Demo-Stadt',
  privacyNotices: [
    {
      agencyId: 'jc-demo',
      controller: 'Jobcenter Demo-Stadt, Am Markt 1, 12345 Demo-Stadt',
      dpoContact: 'datenschutz@jc-demo.example',
      supervisoryAuthority: 'BfDI, Graurheindorfer Straße 153, 53117 Bonn',
    },
    {
      agencyId: 'ja-demo',
      controller: 'Stadt Demo-Stadt, Jugendamt, Rathausplatz 2, 12345 Demo-Stadt',
      dpoContact: 'datenschutz@ja-demo.example',
      supervisoryAuthority: 'LfD Demo-Land, Musterweg 10, 12340 Demo-Hauptstadt',
    },
  ],
  guardianRequired: false,
  ...overrides,
})

const kinds = ['einwilligung', 'schweigepflichtsentbindung'] as const
const languages = ['de', 'de-ls', 'en']

describe('consent texts', () => {
  it('exist for both kinds in German, Leichte Sprache and English, in the same newest version', () => {
    for (const kind of kinds)
      for (const language of languages)
        expect(findConsentTemplate(templates, kind, language).version).toBe(2)
  })

  it('render deterministically: the same input gives the same text and its SHA-256', () => {
    const template = findConsentTemplate(templates, 'einwilligung', 'de')
    const a = renderConsentText(template, input(), vocabulary)
    const b = renderConsentText(template, structuredClone(input()), vocabulary)
    expect(b.text).toBe(a.text)
    expect(a.reference).toEqual({
      templateId: 'einwilligung',
      version: 2,
      language: 'de',
      sha256: createHash('sha256').update(a.text, 'utf8').digest('hex'),
    })
    const other = renderConsentText(template, input({ validUntil: '2026-12-30' }), vocabulary)
    expect(other.reference.sha256).not.toBe(a.reference.sha256)
  })

  it('list special categories (Art. 9/10 GDPR) apart from the others', () => {
    const { text } = renderConsentText(
      findConsentTemplate(templates, 'einwilligung', 'de'),
      input(),
      vocabulary,
    )
    const specialHeading = text.indexOf('Besonders geschützte Daten')
    expect(specialHeading).toBeGreaterThan(0)
    expect(text.indexOf('- Schule und Abschlüsse')).toBeLessThan(specialHeading)
    expect(text.indexOf('- Gesundheit')).toBeGreaterThan(specialHeading)
    expect(text.indexOf('- Strafverfahren')).toBeGreaterThan(specialHeading)
    const plain = renderConsentText(
      findConsentTemplate(templates, 'einwilligung', 'de'),
      input({ categories: ['schule'] }),
      vocabulary,
    )
    expect(plain.text).not.toContain('Besonders geschützte Daten')
  })

  it.each(kinds.flatMap((kind) => languages.map((language) => [kind, language] as const)))(
    'the %s text in %s states everything the law asks for and leaves no placeholder',
    (kind, language) => {
      const { text } = renderConsentText(
        findConsentTemplate(templates, kind, language),
        input({
          kind,
          releasedProfessionals: ['Sozialpädagogin des Trägers X'],
          entrustingPersons: [{ isYouth: false, name: 'Petra Beispiel' }],
          summarySha256: 'c'.repeat(64),
        }),
        vocabulary,
      )
      expect(text).not.toMatch(/\{\{|\}\}/)
      // Leichte Sprache writes dates out (Netzwerk Leichte Sprache); the others as numbers.
      const dates =
        language === 'de-ls' ? ['31. Dezember 2026', '2. März 2026'] : ['31.12.2026', '02.03.2026']
      for (const expected of [
        'Jobcenter Demo-Stadt',
        'Jugendamt Demo-Stadt',
        ...dates,
        'u25@jc-demo.example',
        'c'.repeat(64),
        'Mila Beispiel',
      ])
        expect(text).toContain(expected)
      const purpose = vocabulary.purposes.hilfeplanung!
      expect(text).toContain(purpose.gain[language] ?? purpose.gain.de)
      if (kind === 'schweigepflichtsentbindung') {
        expect(text).toContain('Sozialpädagogin des Trägers X')
        expect(text).toContain('Petra Beispiel')
      }
      const statements: Record<string, RegExp[]> = {
        de: [/jederzeit/, /für die Zukunft/, /keine Nachteile/, /Fragen/, /Was Sie davon haben/],
        'de-ls': [
          /jederzeit/,
          /trotzdem Ihr Geld/,
          /Fragen/,
          /Was haben Sie davon/,
          /Gültig ist der Text auf Deutsch/,
        ],
        en: [
          /at any time/,
          /for the future/,
          /no disadvantage/,
          /questions/i,
          /What you gain/,
          /German text is legally binding/,
        ],
      }
      for (const pattern of statements[language]!) expect(text).toMatch(pattern)
    },
  )

  it('refuses a language without a template', () => {
    expect(() => findConsentTemplate(templates, 'einwilligung', 'xx')).toThrow(
      expect.objectContaining({ code: 'ERR_CONSENT_UNKNOWN_LANGUAGE' }),
    )
  })

  it('uses the newest version of a template', () => {
    const extra = [
      ...templates,
      { templateId: 'einwilligung', version: 3, language: 'de', body: 'Neu: {{purposes}}' },
    ]
    const rendered = renderConsentText(
      findConsentTemplate(extra, 'einwilligung', 'de'),
      input(),
      vocabulary,
    )
    expect(rendered.reference.version).toBe(3)
    expect(rendered.text.startsWith('Neu: - Hilfeplanung')).toBe(true)
  })
})

describe('template approvals', () => {
  const library = loadConsentTextLibrary()

  it('every shipped template is approved with the release, bound to its exact body', () => {
    // Editing a shipped wording voids its approval: a new wording is a new version (DESIGN §3.1).
    for (const template of library.templates)
      expect(
        isTemplateApproved(template, library.shippedApprovals),
        `${template.templateId} v${template.version} ${template.language}`,
      ).toBe(true)
  })

  it('an edited body is no longer approved, and versions per language count only approved ones', () => {
    const de = library.templates.find(
      (x) => x.templateId === 'einwilligung' && x.language === 'de' && x.version === 2,
    )
    if (!de) throw new Error('shipped German Einwilligung missing')
    const edited = { ...de, body: `${de.body} ` }
    expect(isTemplateApproved(edited, library.shippedApprovals)).toBe(false)
    const v3 = { ...de, version: 3, body: `${de.body}\nneu` }
    const templates = [...library.templates, v3]
    expect(approvedTextVersions(templates, library.shippedApprovals, 'einwilligung').de).toBe(2)
    const approval = {
      templateId: 'einwilligung',
      version: 3,
      language: 'de',
      bodySha256: templateBodySha256(v3),
      approvedBy: 'user:dpo',
      approvedAt: '2026-03-02T09:00:00.000Z',
    }
    const versions = approvedTextVersions(
      templates,
      [...library.shippedApprovals, approval],
      'einwilligung',
    )
    expect(versions).toMatchObject({ de: 3, en: 2, 'de-ls': 2 })
  })
})
