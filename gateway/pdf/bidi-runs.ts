/*
 * Enough of the Unicode bidirectional algorithm (UAX #9) for the person's PDFs: a paragraph in
 * Arabic or Farsi with left-to-right codes, dates, numbers and Latin names inside, or the other
 * way round. pdfkit lays out one run at a time (its font engine shapes Arabic and reverses a
 * right-to-left run itself); this module cuts a line into runs of one direction and orders them
 * as they appear from left to right.
 */

export type Direction = 'ltr' | 'rtl'

/** One stretch of a line in a single direction, in logical (reading) order inside. */
export interface BidiRun {
  text: string
  direction: Direction
}

type Strength = 'R' | 'L' | 'N'

/** Hebrew, Arabic, Syriac, Thaana, N'Ko and the Arabic presentation forms are right to left. */
const rightToLeft = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/u
/** Letters and digits of any other script; digits keep left-to-right order inside any text. */
const leftToRight = /[\p{L}\p{N}]/u

/**
 * Arabic punctuation that separates or ends (comma, semicolon, question mark) is neutral, not
 * right to left. Arabic-Indic digits are left out of the catalogues (Latin digits everywhere): the
 * font engine would take them for Arabic script and reverse them.
 */
const neutralArabic = /[\u060C\u061B\u061F\u066A-\u066C\u06D4]/u

function strengthOf(char: string): Strength {
  if (neutralArabic.test(char)) return 'N'
  if (rightToLeft.test(char)) return 'R'
  if (leftToRight.test(char)) return 'L'
  return 'N'
}

/** Isolates (LRI, RLI, FSI … PDI) as the catalogues use them around a left-to-right reference. */
const isolateStart: Record<string, Strength> = { '\u2066': 'L', '\u2067': 'R', '\u2068': 'N' }
const isolateEnd = '\u2069'

/**
 * Each character's direction: strong characters their own; a neutral (space, punctuation)
 * between two of the same direction takes it, else the paragraph's (rules N1, N2).
 */
function resolve(chars: string[], base: Direction): Direction[] {
  const baseStrength: Strength = base === 'rtl' ? 'R' : 'L'
  const strengths = withBracketPairs(chars, strengthsOf(chars), baseStrength)
  const resolved: Direction[] = []
  let before: Strength = baseStrength
  for (let i = 0; i < chars.length; i++) {
    const s = strengths[i] as Strength
    if (s !== 'N') {
      resolved.push(s === 'R' ? 'rtl' : 'ltr')
      before = s
      continue
    }
    let after: Strength = baseStrength
    for (let j = i + 1; j < chars.length; j++)
      if (strengths[j] !== 'N') {
        after = strengths[j] as Strength
        break
      }
    const take = before === after ? before : baseStrength
    resolved.push(take === 'R' ? 'rtl' : 'ltr')
  }
  return resolved
}

/** Every character's strength; inside an isolate, the isolate's direction. */
function strengthsOf(chars: string[]): Strength[] {
  const out: Strength[] = []
  let inside: Strength | null = null
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string
    const start = isolateStart[char]
    if (start !== undefined) {
      // FSI: the direction of the isolate's first strong character.
      inside = start
      if (start === 'N')
        for (let j = i + 1; j < chars.length && chars[j] !== isolateEnd; j++) {
          const s = strengthOf(chars[j] as string)
          if (s !== 'N') {
            inside = s
            break
          }
        }
      out.push(inside === 'N' ? 'L' : inside)
    } else if (char === isolateEnd) {
      out.push(inside === 'R' ? 'R' : 'L')
      inside = null
    } else out.push(inside === null ? strengthOf(char) : inside === 'N' ? 'L' : inside)
  }
  return out
}

const opening: Record<string, string> = { '(': ')', '[': ']', '{': '}' }

/**
 * Paired brackets take one direction for both (rule N0): the paragraph's, when their content has
 * a letter of it; else the content's, when the text before them runs that way too. So "(ar)"
 * after "v1" stays left to right, and "(§ 67b SGB X)" after Arabic words keeps its brackets
 * in the Arabic run.
 */
function withBracketPairs(chars: string[], strengths: Strength[], base: Strength): Strength[] {
  const out = [...strengths]
  const stack: { index: number; close: string }[] = []
  chars.forEach((char, index) => {
    const close = opening[char]
    if (close !== undefined) {
      stack.push({ index, close })
      return
    }
    const top = stack[stack.length - 1]
    if (!top || char !== top.close) return
    stack.pop()
    const inside = strengths.slice(top.index + 1, index)
    if (!inside.some((s) => s !== 'N')) return
    let direction: Strength = base
    if (!inside.includes(base)) {
      const opposite: Strength = base === 'R' ? 'L' : 'R'
      const before =
        strengths
          .slice(0, top.index)
          .filter((s) => s !== 'N')
          .pop() ?? base
      direction = before === opposite ? opposite : base
    }
    out[top.index] = direction
    out[index] = direction
  })
  return out
}

/** The isolate marks themselves are invisible; a font would draw them as boxes. */
const invisible = /[\u2066-\u2069\u200E\u200F]/u

/** Brackets point the other way inside right-to-left text (rule L4, mirroring). */
const mirrored: Record<string, string> = {
  '(': ')',
  ')': '(',
  '[': ']',
  ']': '[',
  '{': '}',
  '}': '{',
  '<': '>',
  '>': '<',
  '«': '»',
  '»': '«',
  '‹': '›',
  '›': '‹',
}

/**
 * The runs of one line from left to right. In a right-to-left paragraph the runs are reversed;
 * a run keeps its characters in reading order (the font engine reverses a right-to-left run of
 * Arabic letters as it shapes it), brackets mirrored in right-to-left runs (rule L4).
 */
export function visualRuns(line: string, base: Direction): BidiRun[] {
  const chars = Array.from(line)
  const directions = resolve(chars, base)
  const runs: BidiRun[] = []
  chars.forEach((char, i) => {
    if (invisible.test(char)) return
    const direction = directions[i] as Direction
    const last = runs[runs.length - 1]
    if (last && last.direction === direction) last.text += char
    else runs.push({ text: char, direction })
  })
  // The font engine reverses a right-to-left run but does not mirror its brackets: done here.
  for (const run of runs)
    if (run.direction === 'rtl') run.text = Array.from(run.text, (c) => mirrored[c] ?? c).join('')
  return base === 'rtl' ? runs.reverse() : runs
}
