import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime, formatCalendarDate } from '../view-models/format-berlin-time.ts'
import { adminNav } from './admin-nav.ts'
import type { CertificateState } from './admin-view.ts'

/** One registered certificate as the certificates page shows it. */
export interface CertificateRowView {
  id: string
  serialNumber: string
  subject: string
  state: CertificateState
  /** Calendar dates (Europe/Berlin) of the validity. */
  validFrom: string
  validUntil: string
  /** Whole days left (negative once expired). */
  daysLeft: number
  hasKey: boolean
  /** When a rollover takes it out of service; null: no end planned. */
  retireAt: Date | null
  mayRevoke: boolean
}

export interface CertificateAgencyView {
  id: string
  name: string
  hosted: boolean
  certificates: readonly CertificateRowView[]
}

export interface CertificatesViewInput {
  csrfToken: string
  agencies: readonly CertificateAgencyView[]
  /** Agencies this admin may import a certificate for or roll over (hosted, own). */
  importable: readonly { id: string; name: string }[]
  warningDays: number
  overlapDays: number
  notice?: string | undefined
  problem?: string | undefined
  /** The import form's values after a refusal (never the key, the PKCS#12 file or its passphrase). */
  importForm?: { agencyId: string; mode: string; certificate: string } | undefined
  /** The instance's administration may have every CRL fetched now (agency admins may not). */
  mayRefreshCrls: boolean
  /** Minutes between the periodic CRL refreshes of `brucke serve` (0: none). */
  crlRefreshMinutes: number
}

const certificateStateLabels: Record<CertificateState, string> = {
  valid: 'gültig',
  expiring: 'läuft bald ab',
  expired: 'abgelaufen',
  not_yet_valid: 'noch nicht gültig',
  revoked: 'hier widerrufen',
  revoked_at_ca: 'gesperrt (Zertifizierungsstelle)',
  retired: 'außer Dienst (Schlüsselwechsel)',
  unverified: 'nicht prüfbar (Vertrauensanker oder Sperrliste fehlt)',
}
const stateClasses: Record<CertificateState, string> = {
  valid: 'status-ok',
  expiring: 'status-pending',
  expired: 'status-bad',
  not_yet_valid: 'status-pending',
  revoked: 'status-bad',
  revoked_at_ca: 'status-bad',
  retired: '',
  unverified: 'status-bad',
}

function days(n: number): string {
  return `${n} ${n === 1 || n === -1 ? 'Tag' : 'Tage'}`
}

function remaining(row: CertificateRowView): string {
  if (row.daysLeft < 0) return `seit ${days(-row.daysLeft)} abgelaufen`
  return `noch ${days(row.daysLeft)}`
}

function revokeForm(input: CertificatesViewInput, agencyId: string, row: CertificateRowView) {
  const fieldId = `reason-${row.id.slice(0, 16)}`
  return html`<form method="post" action="/admin/certificates/${row.id}/revoke" class="inline-form">
    <input type="hidden" name="_csrf" value="${input.csrfToken}" />
    <label for="${fieldId}">Grund</label>
    <input type="text" id="${fieldId}" name="reason" required minlength="3" maxlength="200" />
    <button type="submit" class="secondary">
      Widerrufen<span class="visually-hidden">
        (${agencyId}, Seriennummer ${row.serialNumber})</span
      >
    </button>
  </form>`
}

function agencySection(input: CertificatesViewInput, agency: CertificateAgencyView): SafeHtml {
  const headingId = `agency-${agency.id}`
  return html`<section class="card" aria-labelledby="${headingId}">
    <h2 id="${headingId}">${agency.name} <small>(${agency.id})</small></h2>
    <p>
      ${
        agency.hosted
          ? 'Hier gehostet: Schlüssel liegen verschlüsselt in Brücke.'
          : 'Partnerbehörde: Zertifikate kommen aus ihrer signierten Partnerkarte.'
      }
    </p>
    ${
      agency.certificates.length === 0
        ? html`<p class="status-bad">
            Kein Zertifikat — an diese Behörde kann nichts verschlüsselt werden.
          </p>`
        : html`<div
            class="table-scroll"
            tabindex="0"
            role="region"
            aria-label="Tabelle: Zertifikate von ${agency.name}"
          >
            <table>
              <caption class="visually-hidden">
                Zertifikate von ${agency.name}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Seriennummer</th>
                  <th scope="col">Status</th>
                  <th scope="col">Gültig ab</th>
                  <th scope="col">Gültig bis</th>
                  <th scope="col">Schlüssel</th>
                  <th scope="col">Widerrufen</th>
                </tr>
              </thead>
              <tbody>
                ${agency.certificates.map(
                  (row) =>
                    html`<tr>
                      <td><code>${row.serialNumber}</code></td>
                      <td>
                        <span class="${stateClasses[row.state]}"
                          >${certificateStateLabels[row.state]}</span
                        >${
                          row.retireAt !== null && row.state !== 'retired'
                            ? html`<br />außer Dienst ab ${formatBerlinTime(row.retireAt)}`
                            : ''
                        }
                      </td>
                      <td>${formatCalendarDate(row.validFrom)}</td>
                      <td>${formatCalendarDate(row.validUntil)}<br />${remaining(row)}</td>
                      <td>${row.hasKey ? 'hier gespeichert' : 'nein'}</td>
                      <td>${row.mayRevoke ? revokeForm(input, agency.id, row) : '–'}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`
}

function importSection(input: CertificatesViewInput): SafeHtml | '' {
  if (input.importable.length === 0) return ''
  const form = input.importForm
  const mode = form?.mode === 'add' ? 'add' : 'rollover'
  return html`<section class="card" aria-labelledby="import-heading">
    <h2 id="import-heading">Zertifikat einspielen oder Schlüssel wechseln</h2>
    <p>
      Das Zertifikat wird beim Einspielen gegen die Vertrauensanker und Sperrlisten geprüft und muss
      das Funktionspostfach der Behörde nennen. Beim Schlüsselwechsel bleiben die bisherigen
      Zertifikate noch ${days(input.overlapDays)} in Dienst, damit unterwegs befindliche Nachrichten
      ankommen; danach gilt nur noch das neue.
    </p>
    <form method="post" action="/admin/certificates" aria-labelledby="import-heading">
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      <div class="field">
        <label for="import-agency">Behörde</label>
        <select id="import-agency" name="agencyId" required>
          ${input.importable.map(
            (a) =>
              html`<option value="${a.id}" ${form?.agencyId === a.id ? html`selected` : ''}>
                ${a.name} (${a.id})
              </option>`,
          )}
        </select>
      </div>
      <fieldset>
        <legend>Art</legend>
        <p class="confirm">
          <input
            type="radio"
            id="import-mode-rollover"
            name="mode"
            value="rollover"
            ${mode === 'rollover' ? html`checked` : ''}
          />
          <label for="import-mode-rollover" class="inline-label"
            >Schlüsselwechsel: neues Zertifikat mit Schlüssel, bisherige gehen außer Dienst</label
          >
        </p>
        <p class="confirm">
          <input
            type="radio"
            id="import-mode-add"
            name="mode"
            value="add"
            ${mode === 'add' ? html`checked` : ''}
          />
          <label for="import-mode-add" class="inline-label"
            >Zusätzlich einspielen: bisherige bleiben in Dienst</label
          >
        </p>
      </fieldset>
      <div class="field">
        <label for="import-certificate"
          >Zertifikat (PEM, „-----BEGIN CERTIFICATE-----“; danach darf die CA-Kette folgen)</label
        >
        <textarea id="import-certificate" name="certificate" rows="6">
${form?.certificate ?? ''}</textarea>
      </div>
      <div class="field">
        <label for="import-key">Privater Schlüssel dazu (PEM, unverschlüsselt; optional)</label>
        <textarea id="import-key" name="key" rows="4" autocomplete="off"></textarea>
      </div>
      <p>Oder statt Zertifikat und Schlüssel eine PKCS#12-Datei (.p12) in Base64:</p>
      <div class="field">
        <label for="import-p12"
          >PKCS#12 in Base64 (z. B. <code>base64 -w0 behoerde.p12</code>)</label
        >
        <textarea id="import-p12" name="p12" rows="4" autocomplete="off"></textarea>
      </div>
      <div class="field">
        <label for="import-passphrase">Passwort der PKCS#12-Datei</label>
        <input type="password" id="import-passphrase" name="passphrase" autocomplete="off" />
      </div>
      <p class="actions"><button type="submit">Einspielen</button></p>
    </form>
  </section>`
}

function crlRefreshSection(input: CertificatesViewInput): SafeHtml | '' {
  if (!input.mayRefreshCrls) return ''
  const every =
    input.crlRefreshMinutes === 0
      ? 'Brücke ruft die Sperrlisten nicht von selbst ab (CRL_REFRESH_MINUTES ist 0).'
      : `Brücke ruft die Sperrlisten der Zertifizierungsstellen alle ${input.crlRefreshMinutes} Minuten von selbst ab.`
  return html`<section class="card" aria-labelledby="crl-heading">
    <h2 id="crl-heading">Sperrlisten</h2>
    <p>
      ${every} Hat eine Zertifizierungsstelle gerade ein Zertifikat gesperrt (etwa weil ein
      Schlüssel gestohlen wurde), lassen Sie alle Sperrlisten sofort abrufen: Danach wird das
      gesperrte Zertifikat nicht mehr benutzt.
    </p>
    <form method="post" action="/admin/certificates/crl-refresh" aria-labelledby="crl-heading">
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      <p class="actions"><button type="submit">Sperrlisten jetzt abrufen</button></p>
    </form>
  </section>`
}

/** `/admin/certificates`: each agency's certificates with status and expiry, and the levers. */
export function certificatesView(input: CertificatesViewInput): SafeHtml {
  return html`<h1>Zertifikate</h1>
    ${adminNav('certificates')}
    ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
    ${input.problem ? html`<p class="error" role="alert">${input.problem}</p>` : ''}
    <p>
      Ein Zertifikat „läuft bald ab“ ${days(input.warningDays)} vor seinem Ende. Ein hier
      widerrufenes Zertifikat wird sofort weder zum Verschlüsseln noch zum Signieren benutzt.
    </p>
    ${input.agencies.map((agency) => agencySection(input, agency))} ${importSection(input)}
    ${crlRefreshSection(input)}`
}
