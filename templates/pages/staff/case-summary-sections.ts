import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { categoryLabel } from './staff-labels.ts'

/** What a case summary said, as its reader sees it: the sender's copy or a received item. */
export interface CaseSummaryContent {
  sections: readonly { category: string; title: string; body: string }[]
  attachments: readonly { filename: string }[]
}

/**
 * The sections of a case summary (with their categories) and its attachments: their names, or
 * links to download them when `attachmentHref` says where (a received item's).
 */
export function caseSummarySectionsCard(
  content: CaseSummaryContent,
  vocabulary: Vocabulary,
  lang: StaffLanguage,
  attachmentHref?: (index: number) => string,
): SafeHtml | '' {
  if (content.sections.length === 0) return ''
  return html`<section class="card" data-sections>
    <h2>${say(lang, 'Inhalt', 'Content')}</h2>
    ${content.sections.map(
      (s) =>
        html`<section>
          <h3>
            ${s.title}
            <small class="muted">[${categoryLabel(s.category, vocabulary, lang)}]</small>
          </h3>
          <p class="preserve-lines">${s.body}</p>
        </section>`,
    )}
    ${
      content.attachments.length === 0
        ? ''
        : attachmentHref
          ? html`<h3>${say(lang, 'Anlagen', 'Attachments')}</h3>
              <ul data-attachments>
                ${content.attachments.map(
                  (a, index) =>
                    html`<li><a href="${attachmentHref(index)}" download>${a.filename}</a></li>`,
                )}
              </ul>`
          : html`<p class="muted">
              ${say(lang, 'Anlagen', 'Attachments')}:
              ${content.attachments.map((a) => a.filename).join(', ')}
            </p>`
    }
  </section>`
}
