import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkPersonName,
  maxCombiningMarksInARow,
  personNameSchema,
  type PersonNameProblem,
} from '../../../consent/person-name.ts'
import { derivePseudonymKey, pseudonymOf } from '../../../consent/pseudonym.ts'

const key = derivePseudonymKey(Buffer.alloc(32, 9))

/** Well-formed UTF-16 survives a UTF-8 round trip (the encoder replaces lone surrogates). */
function isWellFormed(text: string): boolean {
  return new TextDecoder().decode(new TextEncoder().encode(text)) === text
}

function problemOf(name: string): PersonNameProblem | 'ok' {
  const checked = checkPersonName(name)
  return checked.ok ? 'ok' : checked.problem
}

/** A letter of one of the scripts Brücke's clients write their names in (and a few more). */
const letter = fc
  .constantFrom(
    [0x41, 0x24f], // Latin incl. extended (Turkish ş, ğ, ı; Polish ł; …)
    [0x1e00, 0x1eff], // Latin extended additional (Vietnamese ễ, ạ, …)
    [0x370, 0x3ff], // Greek
    [0x400, 0x4ff], // Cyrillic (Ukrainian ї, є, ґ; Russian)
    [0x620, 0x6d3], // Arabic and Persian letters
    [0x5d0, 0x5ea], // Hebrew
    [0x904, 0x939], // Devanagari
    [0x4e00, 0x9fff], // CJK
    [0xac00, 0xd7a3], // Hangul syllables
    [0x20000, 0x2a6df], // CJK extension B (astral: surrogate pairs)
  )
  .chain(([from, to]) => fc.integer({ min: from, max: to }))
  .map((codePoint) => String.fromCodePoint(codePoint))
  .filter((char) => /^\p{L}$/u.test(char))

/** Names of one or more letter words joined by a space, a hyphen or an apostrophe, in NFC. */
const nfcLetterName = fc
  .array(fc.array(letter, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 })
  .chain((words) =>
    fc
      .array(fc.constantFrom(' ', '-', "'"), {
        minLength: words.length - 1,
        maxLength: words.length - 1,
      })
      .map((joins) => words.map((w, i) => w.join('') + (joins[i] ?? '')).join('')),
  )
  .map((name) => name.normalize('NFC'))
  .filter((name) => name.length <= 200)

describe('checkPersonName', () => {
  it.each([
    ['Arabic', 'محمد عبد الله'],
    ['Arabic with harakat', 'مُحَمَّد'],
    ['Persian with a zero-width non-joiner', 'علی\u200cپور'],
    ['Ukrainian', 'Олександра Ковальчук'],
    ['Russian', 'Фёдор Достоевский'],
    ['Turkish', 'Şükrü Çağlar Iğdır'],
    ['Vietnamese', 'Nguyễn Thị Ngọc Hà'],
    ['German', "Jürgen-Strauß O'Neill"],
    ['Hebrew with niqqud', 'שָׁלוֹם'],
    ['Devanagari', 'क्षितिज'],
  ])('accepts a %s name unchanged', (_script, name) => {
    expect(checkPersonName(name)).toEqual({ ok: true, name: name.normalize('NFC') })
  })

  it('returns names in NFC, trimmed: a decomposed "Nguyễn" becomes the composed one', () => {
    const decomposed = ' Nguye\u0302\u0303n '
    expect(checkPersonName(decomposed)).toEqual({ ok: true, name: 'Nguy\u1ec5n' })
  })

  it.each<[string, string, PersonNameProblem]>([
    ['NUL', 'Mi\u0000la', 'control_character'],
    ['a tab', 'Mila\tBeispiel', 'control_character'],
    ['a line feed', 'Mila\nBeispiel', 'control_character'],
    ['DEL', 'Mila\u007f', 'control_character'],
    ['a C1 control (NEL)', 'Mila\u0085', 'control_character'],
    ['a C1 control (CSI)', 'Mila\u009b', 'control_character'],
    ['a lone high surrogate', 'Mila\ud83d', 'lone_surrogate'],
    ['a lone low surrogate', '\ude00Mila', 'lone_surrogate'],
    ['surrogates in the wrong order', 'Mila\ude00\ud83d', 'lone_surrogate'],
    ['a right-to-left override', '\u202enesraK', 'bidi_control'],
    ['a left-to-right embedding', '\u202aMila\u202c', 'bidi_control'],
    ['a first-strong isolate', '\u2068Mila\u2069', 'bidi_control'],
    ['a right-to-left mark', 'علی\u200f', 'bidi_control'],
    ['a left-to-right mark', 'Mila\u200e', 'bidi_control'],
    ['an Arabic letter mark', 'علی\u061c', 'bidi_control'],
    ['a zero-width space', 'Mi\u200bla', 'invisible_character'],
    ['a byte order mark', '\ufeffMila', 'invisible_character'],
    ['a soft hyphen', 'Mi\u00adla', 'invisible_character'],
    ['a word joiner', 'Mi\u2060la', 'invisible_character'],
    ['a tag character', 'Mila\u{e0041}', 'invisible_character'],
    ['a line separator', 'Mila\u2028Beispiel', 'line_separator'],
    ['a paragraph separator', 'Mila\u2029', 'line_separator'],
    ['a replacement character', 'M\ufffdller', 'garbled'],
    ['a noncharacter', 'Mila\uffff', 'garbled'],
    ['an astral noncharacter', 'Mila\u{10fffe}', 'garbled'],
    [
      'five combining marks in a row',
      'Zalgx\u0316\u0317\u0318\u0319\u031c',
      'too_many_combining_marks',
    ],
    ['only white space', ' \u00a0 ', 'empty'],
    ['nothing', '', 'empty'],
    ['no letter at all', "- ' 42", 'no_letter'],
    ['more than 200 characters', 'a'.repeat(201), 'too_long'],
  ])('refuses a name with %s', (_what, name, problem) => {
    expect(problemOf(name)).toBe(problem)
  })

  it(`accepts ${maxCombiningMarksInARow} combining marks on a letter, not one more`, () => {
    const marks = '\u0316\u0317\u0318\u0319\u031c' // below-marks that NFC cannot compose away
    expect(problemOf(`a${marks.slice(0, maxCombiningMarksInARow)}b`)).toBe('ok')
    expect(problemOf(`a${marks.slice(0, maxCombiningMarksInARow + 1)}b`)).toBe(
      'too_many_combining_marks',
    )
  })

  it('refuses any string with a lone surrogate, wherever it stands', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.string({ unit: 'grapheme', maxLength: 30 }),
        (before, surrogate, after) => {
          // `before` and `after` are well-formed, so the inserted unit can never find its pair:
          // a high one is followed by a high one or a BMP character, a low one preceded by a
          // low one or a BMP character.
          const name = before + String.fromCharCode(surrogate) + after
          expect(isWellFormed(name)).toBe(false)
          expect(problemOf(name)).toBe('lone_surrogate')
        },
      ),
      { numRuns: 500 },
    )
  })

  it('accepts any NFC name of letters and returns it unchanged', () => {
    fc.assert(
      fc.property(nfcLetterName, (name) => {
        expect(checkPersonName(name)).toEqual({ ok: true, name })
      }),
      { numRuns: 500 },
    )
  })

  it('returns only well-formed NFC text free of controls, whatever comes in, and is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (input) => {
        const checked = checkPersonName(input)
        if (!checked.ok) return
        expect(isWellFormed(checked.name)).toBe(true)
        expect(checked.name).toBe(checked.name.normalize('NFC'))
        expect(checked.name).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069\u200e\u200f]/u)
        expect(checkPersonName(checked.name)).toEqual(checked)
      }),
      { numRuns: 1000 },
    )
  })

  it('keeps the pseudonym: the stored NFC name hashes as the typed name did', () => {
    fc.assert(
      fc.property(nfcLetterName, nfcLetterName, (given, family) => {
        const typed = {
          givenName: given.normalize('NFD'),
          familyName: family,
          birthDate: '2004-05-06',
        }
        const stored = checkPersonName(typed.givenName)
        expect(stored.ok).toBe(true)
        if (!stored.ok) return
        expect(pseudonymOf({ ...typed, givenName: stored.name }, key)).toBe(pseudonymOf(typed, key))
        // An already-NFC name is stored as typed, so its pseudonym is the one it always had.
        expect(pseudonymOf({ ...typed, givenName: given }, key)).toBe(pseudonymOf(typed, key))
      }),
      { numRuns: 200 },
    )
  })
})

describe('personNameSchema', () => {
  it('gives the reason in the issue and the path of the field', () => {
    const result = personNameSchema.safeParse('Mila\u202e')
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]).toMatchObject({
      code: 'custom',
      params: { reason: 'bidi_control' },
    })
  })

  it('outputs the NFC form', () => {
    expect(personNameSchema.parse('Ju\u0308rgen')).toBe('Jürgen')
  })
})
