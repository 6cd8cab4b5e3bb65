import { visualRuns, type Direction } from './bidi-runs.ts'

/** A run placed on a line: its text (reading order) and where it starts, from the left edge. */
export interface PlacedRun {
  text: string
  x: number
}

/**
 * A paragraph broken into lines of at most `width` and each line cut into direction runs placed
 * from left to right: flush right in a right-to-left language, flush left otherwise. Pure: the
 * caller measures with the real font (pdfkit's `widthOfString`).
 */
export function layoutParagraph(
  text: string,
  input: { width: number; direction: Direction; measure: (text: string) => number },
): PlacedRun[][] {
  const lines: PlacedRun[][] = []
  for (const hardLine of text.split('\n'))
    for (const line of wrap(hardLine, input.width, input.measure)) {
      const runs = visualRuns(line, input.direction)
      const widths = runs.map((r) => input.measure(r.text))
      const total = widths.reduce((a, b) => a + b, 0)
      let x = input.direction === 'rtl' ? Math.max(0, input.width - total) : 0
      lines.push(
        runs.map((r, i) => {
          const placed = { text: r.text, x }
          x += widths[i] ?? 0
          return placed
        }),
      )
    }
  return lines
}

/**
 * Greedy line breaking at spaces in reading order; a word wider than the line (a hash, a long
 * code) is cut where it must be.
 */
function wrap(text: string, width: number, measure: (text: string) => number): string[] {
  const words = text.split(' ')
  const lines: string[] = []
  let current = ''
  for (const word of words) {
    const candidate = current === '' ? word : `${current} ${word}`
    if (measure(candidate) <= width) {
      current = candidate
      continue
    }
    if (current !== '') lines.push(current)
    current = ''
    let rest = word
    while (measure(rest) > width) {
      const chars = Array.from(rest)
      let fit = 1
      while (fit < chars.length && measure(chars.slice(0, fit + 1).join('')) <= width) fit++
      lines.push(chars.slice(0, fit).join(''))
      rest = chars.slice(fit).join('')
    }
    current = rest
  }
  lines.push(current)
  return lines
}
