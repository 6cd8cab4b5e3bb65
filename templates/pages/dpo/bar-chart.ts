import { html, type SafeHtml } from '../html.ts'

export interface BarRow {
  label: string
  value: number
  /** Drawn in the warning colour and named in the table (e.g. an unusual denial rate). */
  flagged?: boolean
}

export interface BarChartInput {
  /** Unique on the page; ties the SVG to its title, description and table. */
  id: string
  title: string
  /** One sentence that says what the chart shows, read by screen readers. */
  description: string
  rows: readonly BarRow[]
  columns: { label: string; value: string }
  /** How a value is written (default: integer). */
  formatValue?: (value: number) => string
  /** Largest value of the scale (default: the largest row). */
  max?: number
}

const rowHeight = 26
const labelWidth = 300
const barArea = 380
const width = labelWidth + barArea + 70
const maxLabelChars = 44

function shorten(label: string): string {
  return label.length > maxLabelChars ? `${label.slice(0, maxLabelChars - 1)}…` : label
}

/**
 * A horizontal bar chart as server-rendered inline SVG (no chart library, no external resource),
 * accessible as `role="img"` with `<title>` and `<desc>`, followed by the same numbers as a data
 * table — the table is the authoritative form, the chart the quick one.
 */
export function barChart(input: BarChartInput): SafeHtml {
  const format = input.formatValue ?? ((v: number) => String(v))
  const max = Math.max(input.max ?? 0, ...input.rows.map((r) => r.value), 1)
  const height = Math.max(input.rows.length, 1) * rowHeight + 8
  const titleId = `${input.id}-title`
  const descId = `${input.id}-desc`
  const bars = input.rows.map((row, index) => {
    const y = 4 + index * rowHeight
    const barWidth = Math.max(row.value > 0 ? 2 : 0, Math.round((row.value / max) * barArea))
    return html`<g class="${row.flagged ? 'bar flagged' : 'bar'}">
      <text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${shorten(row.label)}</text>
      <rect x="${labelWidth}" y="${y + 3}" width="${barWidth}" height="${rowHeight - 8}"></rect>
      <text x="${labelWidth + barWidth + 6}" y="${y + 17}">${format(row.value)}</text>
    </g>`
  })
  return html`<figure class="chart" id="${input.id}">
    <figcaption><h3>${input.title}</h3></figcaption>
    ${
      input.rows.length === 0
        ? html`<p class="muted">Keine Daten im gewählten Zeitraum.</p>`
        : html`<svg
              role="img"
              aria-labelledby="${titleId} ${descId}"
              viewBox="0 0 ${width} ${height}"
              width="${width}"
              height="${height}"
              xmlns="http://www.w3.org/2000/svg"
            >
              <title id="${titleId}">${input.title}</title>
              <desc id="${descId}">${input.description}</desc>
              ${bars}
            </svg>
            <table class="chart-data">
              <caption class="muted">
                Daten zum Diagramm „${input.title}“
              </caption>
              <thead>
                <tr>
                  <th scope="col">${input.columns.label}</th>
                  <th scope="col" class="number">${input.columns.value}</th>
                </tr>
              </thead>
              <tbody>
                ${input.rows.map(
                  (row) =>
                    html`<tr class="${row.flagged ? 'flagged' : ''}">
                      <td>${row.label}${row.flagged ? html` <strong>(auffällig)</strong>` : ''}</td>
                      <td class="number">${format(row.value)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
    }
  </figure>`
}
