import type { AuditRecord } from '../../../audit/audit-event.ts'
import { indexEntry } from '../../../audit/entry-index.ts'
import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime } from '../view-models/format-berlin-time.ts'
import { categoryName, denyReasonLabel } from '../code-labels.ts'
import { decisionLabel, eventTypeLabel } from './event-labels.ts'

export interface DpoLogViewInput {
  /** The submitted form values, shown again as they were typed. */
  values: Record<string, string | undefined>
  problems: readonly string[]
  /** Agencies the DPO may choose; one entry (fixed) for a DPO bound to one agency. */
  agencies: readonly { id: string; name: string }[]
  /** Every agency by name, for the entries' agency column (ids are not shown). */
  agencyNames: readonly { id: string; name: string }[]
  agencyFixed: boolean
  eventTypes: readonly string[]
  entries: readonly AuditRecord[]
  total: number
  newestHref: string | undefined
  nextHref: string | undefined
  exportHrefs: { csv: string; json: string } | undefined
}

function textField(
  name: string,
  label: string,
  value: string | undefined,
  hint?: string,
): SafeHtml {
  return html`<div class="field">
    <label for="f-${name}">${label}</label>
    <input
      type="text"
      id="f-${name}"
      name="${name}"
      value="${value ?? ''}"
      autocomplete="off"
      ${hint ? html`aria-describedby="f-${name}-hint"` : ''}
    />
    ${hint ? html`<small id="f-${name}-hint" class="muted">${hint}</small>` : ''}
  </div>`
}

function option(value: string, label: string, selected: string | undefined): SafeHtml {
  return html`<option value="${value}" ${selected === value ? html`selected` : ''}>
    ${label}
  </option>`
}

function filterForm(input: DpoLogViewInput): SafeHtml {
  const v = input.values
  return html`<form
    method="get"
    action="/dpo"
    class="card filter-form"
    role="search"
    aria-labelledby="filter-heading"
  >
    <h2 id="filter-heading">Einträge suchen</h2>
    ${
      input.problems.length > 0
        ? html`<div class="error" role="alert">
            <p>Die Suche konnte nicht ausgeführt werden:</p>
            <ul>
              ${input.problems.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <div class="filter-grid">
      <div class="field">
        <label for="f-from">Von (Tag)</label>
        <input type="date" id="f-from" name="from" value="${v.from ?? ''}" />
      </div>
      <div class="field">
        <label for="f-to">Bis (Tag, einschließlich)</label>
        <input type="date" id="f-to" name="to" value="${v.to ?? ''}" />
      </div>
      <div class="field">
        <label for="f-agency">Behörde</label>
        <select id="f-agency" name="agency" ${input.agencyFixed ? html`disabled` : ''}>
          ${input.agencyFixed ? '' : option('', 'alle Behörden', v.agency)}
          ${input.agencies.map((a) => option(a.id, a.name, v.agency))}
        </select>
      </div>
      ${textField('staff', 'Mitarbeiter/in (Kennung)', v.staff, 'z. B. demo-jc')}
      ${textField('subject', 'Pseudonym der Person', v.subject)}
      ${textField('consent', 'Einwilligung (Kennung)', v.consent)}
      ${textField('transfer', 'Übermittlung (Kennung)', v.transfer)}
      <div class="field">
        <label for="f-type">Ereignis</label>
        <select id="f-type" name="type">
          ${option('', 'alle Ereignisse', v.type)}
          ${input.eventTypes.map((t) => option(t, eventTypeLabel(t), v.type))}
        </select>
      </div>
      <div class="field">
        <label for="f-decision">Entscheidung</label>
        <select id="f-decision" name="decision">
          ${option('', 'alle', v.decision)} ${option('permit', 'erlaubt', v.decision)}
          ${option('deny', 'verweigert', v.decision)}
        </select>
      </div>
    </div>
    <p class="actions">
      <button type="submit">Suchen</button>
      <a class="button secondary" href="/dpo">Filter zurücksetzen</a>
    </p>
  </form>`
}

function reasonsOf(event: Record<string, unknown>): string {
  return Array.isArray(event.reasons)
    ? event.reasons
        .filter((r) => typeof r === 'string')
        .map((r) => denyReasonLabel(r, categoryName))
        .join(', ')
    : ''
}

function entryRow(entry: AuditRecord, agencyNames: DpoLogViewInput['agencyNames']): SafeHtml {
  const name = (id: string) => agencyNames.find((a) => a.id === id)?.name ?? id
  const index = indexEntry(entry.event)
  const event = entry.event as Record<string, unknown>
  const reasons = reasonsOf(event)
  return html`<tr>
    <td>
      <a href="/dpo/entries/${entry.seq}" aria-label="Eintrag ${entry.seq} öffnen">${entry.seq}</a>
    </td>
    <td><time datetime="${entry.at}">${formatBerlinTime(entry.at)}</time></td>
    <td>${eventTypeLabel(entry.event.type)}</td>
    <td><code>${entry.actor}</code></td>
    <td>${index.agencyIds.map(name).join(', ')}</td>
    <td>
      ${
        index.subjectPseudonym
          ? html`<a href="/dpo?subject=${index.subjectPseudonym}"
              ><code>${index.subjectPseudonym}</code></a
            >`
          : ''
      }
    </td>
    <td>
      ${index.consentId ? html`<code>${index.consentId}</code>` : ''}
      ${index.transferId ? html`<br /><code>${index.transferId}</code>` : ''}
    </td>
    <td>
      ${index.decision ? decisionLabel(index.decision) : ''}${reasons ? html`<br /><small>${reasons}</small>` : ''}
      ${entry.erased ? html`<br /><small class="muted">personenbezogene Werte gelöscht</small>` : ''}
    </td>
  </tr>`
}

/** The searchable, paginated audit log of the DPO workplace (docs/design.md §3.5). */
export function dpoLogView(input: DpoLogViewInput): SafeHtml {
  return html`<h1>Protokoll</h1>
    ${filterForm(input)}
    <section class="card" aria-labelledby="results-heading">
      <h2 id="results-heading">Einträge</h2>
      <p data-testid="result-count">
        ${input.total === 1 ? '1 Eintrag' : `${input.total} Einträge`} entsprechen der Suche
        (neueste zuerst).
      </p>
      ${
        input.exportHrefs
          ? html`<p class="actions">
              <a class="button secondary" href="${input.exportHrefs.csv}" download
                >Als CSV exportieren</a
              >
              <a class="button secondary" href="${input.exportHrefs.json}" download
                >Als JSON exportieren</a
              >
              <span class="muted"
                >Der Export umfasst alle Treffer dieser Suche und wird protokolliert.</span
              >
            </p>`
          : ''
      }
      ${
        input.entries.length === 0
          ? html`<p class="muted">Keine Einträge gefunden.</p>`
          : html`<div class="table-scroll">
              <table class="log-table">
                <caption class="visually-hidden">
                  Protokolleinträge
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="col-seq">Nr.</th>
                    <th scope="col" class="col-time">Zeit</th>
                    <th scope="col">Ereignis</th>
                    <th scope="col">Handelnd</th>
                    <th scope="col" class="col-agencies">Behörden</th>
                    <th scope="col">Pseudonym</th>
                    <th scope="col">Einwilligung / Übermittlung</th>
                    <th scope="col">Entscheidung</th>
                  </tr>
                </thead>
                <tbody>
                  ${input.entries.map((entry) => entryRow(entry, input.agencyNames))}
                </tbody>
              </table>
            </div>`
      }
      <nav class="pager" aria-label="Seiten">
        ${input.newestHref ? html`<a href="${input.newestHref}">Zu den neuesten Einträgen</a>` : ''}
        ${input.nextHref ? html`<a href="${input.nextHref}" rel="next">Ältere Einträge</a>` : ''}
      </nav>
    </section>`
}
