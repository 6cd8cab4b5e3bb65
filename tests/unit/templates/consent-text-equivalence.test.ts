import { describe, expect, it } from 'vitest'
import type { ConsentTemplate } from '../../../consent/consent-text.ts'
import { loadConsentTemplates } from '../../../templates/consent/load-consent-templates.ts'

/**
 * Every language of a consent text says what the German one says (issue «The person's side»,
 * point 1): the same sections in the same order, each with the same placeholders and blocks. The
 * sections are marked in the templates with `{{!section <id>}}` comments, which the renderer
 * leaves out.
 */

interface Section {
  id: string
  placeholders: string[]
  blocks: string[]
}

const sectionMark = /\{\{!section ([a-zA-Z0-9]+)\}\}/g

function outlineOf(body: string): { before: string; sections: Section[] } {
  const parts = body.split(sectionMark)
  const sections: Section[] = []
  for (let i = 1; i < parts.length; i += 2) {
    const text = parts[i + 1] ?? ''
    sections.push({
      id: parts[i] as string,
      placeholders: [
        ...new Set([...text.matchAll(/\{\{([a-zA-Z0-9]+)\}\}/g)].map((m) => m[1]!)),
      ].sort(),
      blocks: [
        ...new Set([...text.matchAll(/\{\{([#^])([a-zA-Z0-9]+)\}\}/g)].map((m) => m[1]! + m[2]!)),
      ].sort(),
    })
  }
  return { before: parts[0] ?? '', sections }
}

/** What `translation` lacks or adds against `german`, one line each; empty when equivalent. */
function differences(german: string, translation: string): string[] {
  const de = outlineOf(german)
  const other = outlineOf(translation)
  const found: string[] = []
  const deIds = de.sections.map((s) => s.id)
  const otherIds = other.sections.map((s) => s.id)
  if (deIds.join() !== otherIds.join())
    found.push(`sections ${otherIds.join(',')} instead of ${deIds.join(',')}`)
  for (const section of de.sections) {
    const counterpart = other.sections.find((s) => s.id === section.id)
    if (!counterpart) continue
    for (const key of ['placeholders', 'blocks'] as const)
      if (section[key].join() !== counterpart[key].join())
        found.push(
          `section ${section.id}: ${key} ${counterpart[key].join(',')} instead of ${section[key].join(',')}`,
        )
  }
  if (other.before.trim() !== '') found.push('text before the first section')
  return found
}

const templates = loadConsentTemplates()
const templateIds = [...new Set(templates.map((t) => t.templateId))]

function newest(templateId: string): ConsentTemplate[] {
  const own = templates.filter((t) => t.templateId === templateId)
  const version = Math.max(...own.map((t) => t.version))
  return own.filter((t) => t.version === version)
}

describe('consent texts: every language carries what the German one carries', () => {
  for (const templateId of templateIds) {
    const current = newest(templateId)
    const german = current.find((t) => t.language === 'de')

    it(`when ${templateId} has a newest version, then it exists in every language the template was ever offered in`, () => {
      expect(german, `${templateId}: German text of the newest version`).toBeDefined()
      const ever = new Set(
        templates.filter((t) => t.templateId === templateId).map((t) => t.language),
      )
      expect(new Set(current.map((t) => t.language))).toEqual(ever)
    })

    for (const translation of current.filter((t) => t.language !== 'de'))
      it(`when ${templateId} v${translation.version} is read in ${translation.language}, then it has every section, placeholder and block of the German text`, () => {
        expect(differences(german!.body, translation.body)).toEqual([])
      })

    it(`when ${templateId} is read in German, then it carries the Art. 13 GDPR information, the person and what a minor must know`, () => {
      const { sections } = outlineOf(german!.body)
      const placeholdersOf = (id: string) => sections.find((s) => s.id === id)?.placeholders
      const blocksOf = (id: string) => sections.find((s) => s.id === id)?.blocks
      expect(placeholdersOf('person')).toEqual(['subjectName'])
      expect(placeholdersOf('controllers')).toEqual(['controllers', 'dpoContacts'])
      expect(placeholdersOf('complaint')).toEqual(['supervisoryAuthorities'])
      expect(placeholdersOf('brucke')).toEqual(['preparer'])
      expect(blocksOf('guardian')).toEqual(['#guardian'])
      for (const id of ['legalBasis', 'retention', 'rights', 'revocation', 'binding', 'voluntary'])
        expect(sections.map((s) => s.id)).toContain(id)
      // The statutory basis of the purpose binding for each kind of recipient.
      for (const citation of ['§ 35 SGB I', '§ 67c SGB X', '§ 78 SGB X', 'Art. 77 DSGVO'])
        expect(german!.body).toContain(citation)
    })
  }

  it('when a translation drops a section or a placeholder, then the comparison names it', () => {
    const german = '{{!section a}}\nA {{x}}\n{{!section b}}\n{{#flag}}B {{y}}{{/flag}}\n'
    expect(differences(german, german)).toEqual([])
    expect(differences(german, '{{!section a}}\nA {{x}}\n')).toEqual(['sections a instead of a,b'])
    expect(
      differences(german, '{{!section a}}\nA\n{{!section b}}\n{{#flag}}B {{y}}{{/flag}}\n'),
    ).toEqual(['section a: placeholders  instead of x'])
    expect(differences(german, '{{!section a}}\nA {{x}}\n{{!section b}}\nB {{y}}\n')).toEqual([
      'section b: blocks  instead of #flag',
    ])
    expect(differences(german, 'intro\n' + german)).toEqual(['text before the first section'])
  })
})

/**
 * Leichte Sprache after the rules of the Netzwerk Leichte Sprache, as far as a test can check
 * them: short sentences (one statement each), no abbreviations or legal signs, dates written out
 * (the renderer writes `2. März 2026`; see consent-text.test.ts).
 */
describe('consent texts in Leichte Sprache', () => {
  const abbreviations = [
    '§',
    'z. B.',
    'z.B.',
    'bzw.',
    'ggf.',
    'usw.',
    'd. h.',
    'u. a.',
    'etc.',
    'Art.',
    'Abs.',
    'Nr.',
  ]
  for (const templateId of templateIds) {
    const easy = newest(templateId).find((t) => t.language === 'de-ls')
    it(`when ${templateId} is read in Leichte Sprache, then no sentence is longer than 12 words and nothing is abbreviated`, () => {
      expect(easy).toBeDefined()
      const text = easy!.body.replace(/\{\{[!#^/][^}]*\}\}/g, '')
      for (const abbreviation of abbreviations)
        expect(text, abbreviation).not.toContain(abbreviation)
      const sentences = text
        .split('\n')
        .map((line) => line.trim().replace(/^- /, ''))
        .flatMap((line) => line.split(/(?<=[.?!])\s+/))
        .filter((sentence) => sentence !== '')
      for (const sentence of sentences)
        expect(sentence.split(/\s+/).length, sentence).toBeLessThanOrEqual(12)
    })
  }
})
