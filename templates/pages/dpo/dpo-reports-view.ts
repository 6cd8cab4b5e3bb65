import { isoWeekOf, type AuditReport } from '../../../audit/audit-report.ts'
import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime, formatCalendarDate } from '../view-models/format-berlin-time.ts'
import { categoryName, channelLabel, denyReasonLabel, purposeName } from '../code-labels.ts'
import { barChart } from './bar-chart.ts'

/** An active consent that ends soon, by its pseudonym only. */
export interface ExpiringConsentRow {
  consentId: string
  subjectPseudonym: string
  /** Last valid calendar day, `YYYY-MM-DD`. */
  validUntil: string
  agencyId: string
}

export interface DpoReportsViewInput {
  values: { from?: string | undefined; to?: string | undefined; agency?: string | undefined }
  problems: readonly string[]
  agencies: readonly { id: string; name: string }[]
  /** Every agency by name: a report of one's own agency names its partners. */
  agencyNames: readonly { id: string; name: string }[]
  agencyFixed: boolean
  report: AuditReport | undefined
  expiring: { withinDays: number; items: readonly ExpiringConsentRow[] } | undefined
  /**
   * Per receiving agency, the revocation and lapse notices from partner gateways that its staff
   * have not acknowledged yet (issue 16 point 6); undefined when the form had problems.
   */
  unacknowledgedNotices?: readonly UnacknowledgedNoticeRow[]
}

/** One agency's revocation and lapse notices nobody there has acknowledged. */
export interface UnacknowledgedNoticeRow {
  agencyId: string
  notices: number
  /** When the oldest of them arrived (ISO instant). */
  oldestReceivedAt: string
}

const percent = (value: number): string => `${(value * 100).toFixed(0)} %`

function reportForm(input: DpoReportsViewInput): SafeHtml {
  const v = input.values
  return html`<form
    method="get"
    action="/dpo/reports"
    class="card filter-form"
    aria-labelledby="report-filter-heading"
  >
    <h2 id="report-filter-heading">Zeitraum und Behörde</h2>
    ${
      input.problems.length > 0
        ? html`<div class="error" role="alert">
            <ul>
              ${input.problems.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <div class="filter-grid">
      <div class="field">
        <label for="r-from">Von (Tag)</label>
        <input type="date" id="r-from" name="from" value="${v.from ?? ''}" />
      </div>
      <div class="field">
        <label for="r-to">Bis (Tag, einschließlich)</label>
        <input type="date" id="r-to" name="to" value="${v.to ?? ''}" />
      </div>
      <div class="field">
        <label for="r-agency">Behörde</label>
        <select id="r-agency" name="agency" ${input.agencyFixed ? html`disabled` : ''}>
          ${
            input.agencyFixed
              ? ''
              : html`<option value="" ${v.agency ? '' : html`selected`}>alle Behörden</option>`
          }
          ${input.agencies.map(
            (a) =>
              html`<option value="${a.id}" ${v.agency === a.id ? html`selected` : ''}>
                ${a.name}
              </option>`,
          )}
        </select>
      </div>
    </div>
    <p class="actions"><button type="submit">Berichte erstellen</button></p>
  </form>`
}

function unacknowledgedSection(
  rows: readonly UnacknowledgedNoticeRow[],
  agencies: DpoReportsViewInput['agencies'],
): SafeHtml {
  const name = (id: string) => agencies.find((a) => a.id === id)?.name ?? id
  return html`<section class="card" aria-labelledby="notices-heading" data-unacknowledged-notices>
    <h2 id="notices-heading">Nicht zur Kenntnis genommene Widerrufs- und Erlöschensmitteilungen</h2>
    <p class="muted">
      Mitteilungen von Partnerstellen, dass eine Einwilligung widerrufen wurde oder erloschen ist.
      Solange niemand der empfangenden Behörde sie zur Kenntnis genommen hat, ist nicht belegt, dass
      die weitere Verwendung der darunter empfangenen Daten beendet wurde.
    </p>
    ${
      rows.length === 0
        ? html`<p>Keine offenen Mitteilungen.</p>`
        : html`<div class="table-scroll">
            <table>
              <caption>
                Offene Mitteilungen je Behörde
              </caption>
              <thead>
                <tr>
                  <th scope="col">Behörde</th>
                  <th scope="col" class="number">Mitteilungen</th>
                  <th scope="col">älteste seit</th>
                </tr>
              </thead>
              <tbody>
                ${rows.map(
                  (r) =>
                    html`<tr data-agency="${r.agencyId}">
                      <td>${name(r.agencyId)}</td>
                      <td class="number">${r.notices}</td>
                      <td>${formatBerlinTime(r.oldestReceivedAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`
}

function expiringSection(
  expiring: NonNullable<DpoReportsViewInput['expiring']>,
  agencies: DpoReportsViewInput['agencies'],
): SafeHtml {
  const agencyNameOf = (id: string) => agencies.find((a) => a.id === id)?.name ?? id
  const perWeek = new Map<string, number>()
  for (const item of expiring.items) {
    const week = isoWeekOf(new Date(`${item.validUntil}T12:00:00Z`))
    perWeek.set(week, (perWeek.get(week) ?? 0) + 1)
  }
  return html`<section class="card" aria-labelledby="expiring-heading">
    <h2 id="expiring-heading">
      Einwilligungen, die in den nächsten ${expiring.withinDays} Tagen enden
    </h2>
    ${barChart({
      id: 'chart-expiring',
      title: 'Auslaufende Einwilligungen je Kalenderwoche',
      description: `${expiring.items.length} wirksame Einwilligungen enden in den nächsten ${expiring.withinDays} Tagen, nach Kalenderwoche des letzten Gültigkeitstags.`,
      rows: [...perWeek.entries()]
        .sort((a, b) => a[0].localeCompare(b[0]))
        .map(([week, count]) => ({ label: week, value: count })),
      columns: { label: 'Kalenderwoche', value: 'Einwilligungen' },
    })}
    ${
      expiring.items.length > 0
        ? html`<div class="table-scroll">
            <table>
              <caption>
                Auslaufende Einwilligungen
              </caption>
              <thead>
                <tr>
                  <th scope="col">Einwilligung</th>
                  <th scope="col">Pseudonym</th>
                  <th scope="col">Gültig bis</th>
                  <th scope="col">Behörde</th>
                </tr>
              </thead>
              <tbody>
                ${expiring.items.map(
                  (item) =>
                    html`<tr>
                      <td>
                        <a href="/dpo?consent=${item.consentId}"><code>${item.consentId}</code></a>
                      </td>
                      <td><code>${item.subjectPseudonym}</code></td>
                      <td>${formatCalendarDate(item.validUntil)}</td>
                      <td>${agencyNameOf(item.agencyId)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : ''
    }
  </section>`
}

function staffSection(report: AuditReport): SafeHtml {
  const outliers = report.staffDenialRates.filter((s) => s.outlier)
  return html`<section class="card" aria-labelledby="patterns-heading">
    <h2 id="patterns-heading">Auffällige Muster</h2>
    <p>
      Verweigerungsquote je Mitarbeiter/in bei Übermittlungsversuchen, verglichen mit allen anderen
      zusammen. Als auffällig gilt eine Quote bei mindestens 5 Versuchen, die mindestens doppelt so
      hoch und mindestens 20 Prozentpunkte höher ist als die der Kolleginnen und Kollegen.
    </p>
    ${
      outliers.length > 0
        ? html`<p class="status-bad" role="status" data-testid="outliers">
            Auffällig: ${outliers.map((o) => o.actor).join(', ')}
          </p>`
        : html`<p class="status-ok" role="status" data-testid="outliers">Keine Auffälligkeiten.</p>`
    }
    ${barChart({
      id: 'chart-staff-denials',
      title: 'Verweigerungsquote je Mitarbeiter/in',
      description:
        'Anteil verweigerter Übermittlungsversuche je Mitarbeiter/in; auffällige Quoten sind hervorgehoben.',
      rows: report.staffDenialRates.map((s) => ({
        label: s.actor,
        value: s.rate,
        flagged: s.outlier,
      })),
      columns: { label: 'Mitarbeiter/in', value: 'Quote' },
      formatValue: percent,
      max: 1,
    })}
    ${
      report.staffDenialRates.length > 0
        ? html`<div class="table-scroll">
            <table>
              <caption>
                Einzelheiten zur Verweigerungsquote
              </caption>
              <thead>
                <tr>
                  <th scope="col">Mitarbeiter/in</th>
                  <th scope="col" class="number">Versuche</th>
                  <th scope="col" class="number">verweigert</th>
                  <th scope="col" class="number">Quote</th>
                  <th scope="col" class="number">Quote der anderen</th>
                </tr>
              </thead>
              <tbody>
                ${report.staffDenialRates.map(
                  (s) =>
                    html`<tr class="${s.outlier ? 'flagged' : ''}">
                      <td>
                        <a
                          href="/dpo?staff=${s.actor.replace(/^user:/, '')}&amp;type=transfer_denied"
                          ><code>${s.actor}</code></a
                        >${s.outlier ? html` <strong>(auffällig)</strong>` : ''}
                      </td>
                      <td class="number">${s.attempts}</td>
                      <td class="number">${s.denials}</td>
                      <td class="number">${percent(s.rate)}</td>
                      <td class="number">${percent(s.othersRate)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : ''
    }
  </section>`
}

/** Reports with server-rendered charts (docs/design.md §3.5), each with its data table. */
export function dpoReportsView(input: DpoReportsViewInput): SafeHtml {
  const report = input.report
  const agencyName = (id: string) => input.agencyNames.find((a) => a.id === id)?.name ?? id
  return html`<h1>Berichte</h1>
    ${reportForm(input)}
    ${
      report
        ? html`<section class="card" aria-labelledby="transfers-heading">
              <h2 id="transfers-heading">Übermittlungen</h2>
              ${barChart({
                id: 'chart-transfers',
                title: 'Übermittlungen je Woche, Behördenpaar und Zweck',
                description:
                  'Erlaubte Übermittlungen von Falldaten je Kalenderwoche, von Behörde an Behörde und Zweck; verweigerte, von der Partnerstelle abgewiesene, gescheiterte und abgebrochene zählen nicht.',
                rows: report.transfersPerWeek.map((r) => ({
                  label: `${r.week} · ${agencyName(r.fromAgencyId)} → ${agencyName(r.toAgencyId)} · ${purposeName(r.purpose)}`,
                  value: r.count,
                })),
                columns: { label: 'Woche · Von → An · Zweck', value: 'Übermittlungen' },
              })}
            </section>
            <section class="card" aria-labelledby="denials-heading">
              <h2 id="denials-heading">Verweigerungen</h2>
              ${barChart({
                id: 'chart-denials',
                title: 'Verweigerte Übermittlungen nach Grund',
                description:
                  'Anzahl der Gründe, mit denen Übermittlungen verweigert wurden; ein Versuch kann mehrere Gründe haben.',
                rows: report.denialsByReason.map((r) => ({
                  label: denyReasonLabel(r.reason, categoryName),
                  value: r.count,
                })),
                columns: { label: 'Grund', value: 'Anzahl' },
              })}
            </section>
            <section class="card" aria-labelledby="revocations-heading">
              <h2 id="revocations-heading">Widerrufe (insgesamt ${report.revocations.total})</h2>
              ${barChart({
                id: 'chart-revocations-week',
                title: 'Widerrufe je Kalenderwoche',
                description: 'Anzahl widerrufener Einwilligungen je Kalenderwoche.',
                rows: report.revocations.perWeek.map((r) => ({ label: r.week, value: r.count })),
                columns: { label: 'Kalenderwoche', value: 'Widerrufe' },
              })}
              ${barChart({
                id: 'chart-revocations-channel',
                title: 'Widerrufe nach Weg',
                description: 'Anzahl der Widerrufe nach dem Weg, auf dem sie erklärt wurden.',
                rows: report.revocations.byChannel.map((r) => ({
                  label: channelLabel(r.channel),
                  value: r.count,
                })),
                columns: { label: 'Weg', value: 'Widerrufe' },
              })}
            </section>
            <section class="card" aria-labelledby="lapses-heading">
              <h2 id="lapses-heading">
                Erloschen bei Volljährigkeit (insgesamt ${report.lapses.total})
              </h2>
              <p class="muted">
                Einwilligungen, die eine erziehungsberechtigte Person mit unterschrieben hat und die
                die junge Person nach dem 18. Geburtstag nicht selbst bestätigt hat. Das ist kein
                Widerruf: niemand hat widerrufen.
              </p>
              ${barChart({
                id: 'chart-lapses-week',
                title: 'Erloschene Einwilligungen je Kalenderwoche',
                description: 'Anzahl der bei Volljährigkeit erloschenen Einwilligungen.',
                rows: report.lapses.perWeek.map((r) => ({ label: r.week, value: r.count })),
                columns: { label: 'Kalenderwoche', value: 'Erloschen' },
              })}
            </section>
            ${
              input.unacknowledgedNotices
                ? unacknowledgedSection(input.unacknowledgedNotices, input.agencies)
                : ''
            }
            ${input.expiring ? expiringSection(input.expiring, input.agencyNames) : ''}
            ${staffSection(report)}`
        : ''
    }`
}
