import { html, type SafeHtml } from '../html.ts'

/**
 * The rendered consent text (plain text from templates/consent) as accessible HTML: the first
 * line is the heading, numbered or question lines are sub-headings, `- ` lines are list items.
 * Values stay escaped; nothing of the text is trusted as markup.
 */
export function consentTextHtml(text: string, headingLevel: 2 | 3 = 2): SafeHtml {
  const blocks: SafeHtml[] = []
  let items: string[] = []
  const flush = () => {
    if (items.length > 0)
      blocks.push(
        html`<ul>
          ${items.map((i) => html`<li>${i}</li>`)}
        </ul>`,
      )
    items = []
  }
  const lines = text.split('\n')
  lines.forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed.startsWith('- ')) {
      items.push(trimmed.slice(2))
      return
    }
    flush()
    if (trimmed === '') return
    if (index === 0)
      blocks.push(headingLevel === 2 ? html`<h2>${trimmed}</h2>` : html`<h3>${trimmed}</h3>`)
    // A question ends in `?`, in Arabic and Farsi in `؟`.
    else if (/^\d{1,2}\.\s/.test(trimmed) || (/[?؟]$/.test(trimmed) && trimmed.length < 70))
      blocks.push(headingLevel === 2 ? html`<h3>${trimmed}</h3>` : html`<h4>${trimmed}</h4>`)
    else blocks.push(html`<p>${trimmed}</p>`)
  })
  flush()
  return html`${blocks}`
}
