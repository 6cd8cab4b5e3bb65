import { z } from 'zod'

/** Longest name in UTF-16 code units, as before the name rule (a full name with particles fits). */
export const personNameMaxLength = 200

/**
 * More combining marks in a row than any script needs after NFC: Vietnamese has at most two on
 * a letter ("Nguyễn" decomposed is e + U+0302 + U+0303, composed none), Arabic and Persian
 * harakat two (shadda + fatha), Hebrew with niqqud and cantillation three. Five or more is
 * "Zalgo" text that overprints its neighbours — in a name on a consent, it hides who signed.
 */
export const maxCombiningMarksInARow = 4

/** Why a name is refused; stable codes for clients and tests. */
export type PersonNameProblem =
  | 'empty'
  | 'too_long'
  | 'lone_surrogate'
  | 'control_character'
  | 'bidi_control'
  | 'invisible_character'
  | 'line_separator'
  | 'garbled'
  | 'too_many_combining_marks'
  | 'no_letter'

export type PersonNameCheck =
  { ok: true; name: string } | { ok: false; problem: PersonNameProblem; message: string }

const problemMessages: Record<PersonNameProblem, string> = {
  empty: 'The name is empty.',
  too_long: `The name is longer than ${personNameMaxLength} characters.`,
  lone_surrogate: 'The name is not valid Unicode (it contains a lone surrogate).',
  control_character: 'The name contains a control character (e.g. NUL, a tab or a line break).',
  bidi_control:
    'The name contains a bidirectional control character, which can make it display as another name.',
  invisible_character:
    'The name contains an invisible formatting character, which would make the same name differ.',
  line_separator: 'The name contains a line or paragraph separator.',
  garbled:
    'The name contains U+FFFD or a noncharacter: it was garbled on the way (not sent as UTF-8?).',
  too_many_combining_marks: `The name has more than ${maxCombiningMarksInARow} combining marks on one letter.`,
  no_letter: 'The name contains no letter.',
}

/**
 * Explicit direction controls: embeddings and overrides (U+202A–U+202E), isolates
 * (U+2066–U+2069) and the marks LRM, RLM, ALM (U+200E, U+200F, U+061C). A name of one script
 * needs none of them: the bidirectional algorithm orders Arabic and Persian letters right to
 * left by themselves. An override, though, shows "U+202E nesraK" as "Karsten" in one place and
 * as "nesraK" in another (a log, a CSV export): a signed name must read the same everywhere.
 * The marks are refused too: invisible, they would make "Ali" and "Ali" + RLM two different
 * strings (and two pseudonyms) for one person.
 */
const bidiControl = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u

/**
 * Other format characters (Unicode category Cf: zero-width space, word joiner, BOM, soft hyphen,
 * tag characters, …) are invisible as well. Zero-width non-joiner and joiner (U+200C, U+200D)
 * are kept: Persian spelling puts a ZWNJ inside names (Alipour: "علی", ZWNJ, "پور"), and the ZWJ
 * chooses letter forms in Indic scripts.
 */
const invisibleFormat = /(?![\u200C\u200D])\p{Cf}/u

/** C0 and C1 controls and DEL (category Cc): NUL, tab, CR, LF, ESC, NEL, … */
const controlCharacter = /\p{Cc}/u

/** U+2028 and U+2029 (categories Zl, Zp): line breaks in disguise. */
const lineSeparator = /[\u2028\u2029]/u

/**
 * U+FFFD stands where a decoder met bytes that were not UTF-8 (the JSON and form body readers
 * put it in silently); noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF) are never text. Either means the
 * name was garbled before it arrived — storing it would sign a name nobody typed.
 */
const planeEndNoncharacters = Array.from({ length: 17 }, (_, plane) => {
  const first = plane * 0x10000 + 0xfffe
  return `\\u{${first.toString(16)}}\\u{${(first + 1).toString(16)}}`
}).join('')
const garbled = new RegExp(`[\\uFFFD\\uFDD0-\\uFDEF${planeEndNoncharacters}]`, 'u')

const combiningRun = new RegExp(`\\p{M}{${maxCombiningMarksInARow + 1},}`, 'u')
const letter = /\p{L}/u

/** A UTF-16 surrogate not part of a pair (JSON's "\ud800" gets through `z.string()`). */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Checks a person's name as typed (the young person, a guardian, the entrusting person, a
 * released professional) and returns it trimmed and in Unicode NFC, the one form stored and
 * hashed — so a name typed precomposed and one typed with combining marks are the same name,
 * and a name already in NFC is returned unchanged (its pseudonym stays what it was).
 */
export function checkPersonName(input: string): PersonNameCheck {
  const refuse = (problem: PersonNameProblem): PersonNameCheck => ({
    ok: false,
    problem,
    message: problemMessages[problem],
  })
  // Before normalising: NFC keeps lone surrogates, but nothing after this may see one.
  if (loneSurrogate.test(input)) return refuse('lone_surrogate')
  if (controlCharacter.test(input)) return refuse('control_character')
  if (bidiControl.test(input)) return refuse('bidi_control')
  if (invisibleFormat.test(input)) return refuse('invisible_character')
  if (lineSeparator.test(input)) return refuse('line_separator')
  if (garbled.test(input)) return refuse('garbled')
  const name = input.normalize('NFC').trim()
  if (name.length === 0) return refuse('empty')
  if (name.length > personNameMaxLength) return refuse('too_long')
  if (combiningRun.test(name)) return refuse('too_many_combining_marks')
  if (!letter.test(name)) return refuse('no_letter')
  return { ok: true, name }
}

/**
 * A person's name at an input edge (drafts, signatures): refused with the reason in the issue's
 * `params.reason`, otherwise trimmed and NFC-normalised. Stored records are read with a plain
 * string schema, so a name stored before this rule stays readable.
 */
export const personNameSchema = z.string().transform((value, ctx) => {
  const checked = checkPersonName(value)
  if (checked.ok) return checked.name
  ctx.addIssue({ code: 'custom', message: checked.message, params: { reason: checked.problem } })
  return z.NEVER
})
