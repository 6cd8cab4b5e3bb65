import { adminNav } from './admin-nav.ts'
import { federationSection, type FederationAgencyRow } from './partner-card-view.ts'
import type { Agency, User } from '../../../accounts/account-schemas.ts'
import { agencyKindLabel, type AgencyKind } from '../../../config/agency-kinds.ts'
import { html, type SafeHtml } from '../html.ts'
import { formatBerlinDate, formatBerlinTime } from '../view-models/format-berlin-time.ts'
import { relayLeversSection, type RelayLeversViewInput } from './relay-levers-view.ts'

export type CertificateState =
  | 'valid'
  | 'expiring'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'revoked_at_ca'
  | 'retired'
  | 'unverified'

/** One registered agency certificate and its state (gateway/admin/certificate-overview.ts). */
export interface CertificateOverviewRow {
  id: string
  agencyId: string
  subject: string
  serialNumber: string
  notBefore: Date
  notAfter: Date
  state: CertificateState
  /** Whole days from `now` to the end of validity (negative once expired). */
  daysLeft: number
  hasKey: boolean
  /** thisUpdate of the newest stored CRL of the issuing CA; null when none is stored. */
  crlIssuedAt: Date | null
}

/** A message delivered to the local catch-all: metadata only (gateway/admin/delivered-mails.ts). */
export interface DeliveredMail {
  transferId: string
  kind: string
  senderAgencyId: string
  recipientAgencyId: string
  deliveredAt: string
}

/** A live API token of an account, by its id (never the token itself). */
export interface AdminTokenView {
  tokenId: string
  expiresAt: string
}

export interface AdminViewInput {
  csrfToken: string
  agencies: readonly Agency[]
  certificates: ReadonlyMap<string, readonly CertificateOverviewRow[]>
  warningDays: number
  accounts: readonly User[]
  /** Live (registered, unrevoked, unexpired) API tokens per account id. */
  liveTokens: ReadonlyMap<string, readonly AdminTokenView[]>
  /** The signed-in admin: their own row says so. */
  selfId: string
  agencyKinds: readonly AgencyKind[]
  /** Delivered messages in the local catch-all, or undefined when mail goes to SMTP_URL. */
  deliveredMails: readonly DeliveredMail[] | undefined
  /** Waiting and failed transfers and paused partners, with their levers (issue 19 point 5). */
  levers: Omit<RelayLeversViewInput, 'csrfToken'>
  /** Hosted and partner agencies, for the partner-card and profile forms (issue 16). */
  federation: { mayImportCards: boolean; agencies: readonly FederationAgencyRow[] }
  notice?: SafeHtml | undefined
  /** Why an account action or a lever was refused (shown as an alert). */
  problem?: string | undefined
  agencyForm?: { values: Record<string, string>; problems: readonly string[] } | undefined
  accountForm?: { values: Record<string, string>; problems: readonly string[] } | undefined
}

const stateLabels: Record<CertificateState, string> = {
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
  expiring: 'warning',
  expired: 'status-bad',
  not_yet_valid: 'warning',
  revoked: 'status-bad',
  revoked_at_ca: 'status-bad',
  retired: 'muted',
  unverified: 'status-bad',
}
const roleLabels: Record<User['role'], string> = {
  staff: 'Fachkraft',
  dpo: 'Datenschutzbeauftragte/r',
  admin: 'Administration',
  kiosk: 'Kiosk-Gerät',
}

function problemsBox(problems: readonly string[] | undefined): SafeHtml | '' {
  if (!problems || problems.length === 0) return ''
  return html`<div class="error" role="alert">
    <ul>
      ${problems.map((p) => html`<li>${p}</li>`)}
    </ul>
  </div>`
}

function certificateList(rows: readonly CertificateOverviewRow[] | undefined): SafeHtml {
  if (!rows || rows.length === 0) return html`<span class="warning">kein Zertifikat</span>`
  return html`<ul class="plain">
    ${rows.map(
      (c) =>
        html`<li>
          <span class="${stateClasses[c.state]}">${stateLabels[c.state]}</span>
          bis
          ${formatBerlinDate(c.notAfter)}${
            c.state === 'expiring'
              ? html` (noch ${c.daysLeft} ${c.daysLeft === 1 ? 'Tag' : 'Tage'})`
              : ''
          }
          <br /><small class="muted"
            >Seriennr. <code>${c.serialNumber}</code> · Sperrliste
            ${
              c.crlIssuedAt === null
                ? 'keine gespeichert'
                : html`vom ${formatBerlinTime(c.crlIssuedAt)}`
            }</small
          >
        </li>`,
    )}
  </ul>`
}

function warnings(input: AdminViewInput): SafeHtml | '' {
  const problems: { agencyId: string; row: CertificateOverviewRow | undefined }[] = []
  for (const agency of input.agencies) {
    const rows = input.certificates.get(agency.id) ?? []
    const usable = rows.filter((r) => r.state === 'valid')
    if (usable.length > 0) continue
    const attention = rows.filter((r) => r.state === 'expiring' || r.state === 'expired')
    if (attention.length === 0) problems.push({ agencyId: agency.id, row: undefined })
    for (const row of attention) problems.push({ agencyId: agency.id, row })
  }
  if (problems.length === 0) return ''
  return html`<section class="card attention" role="alert" aria-labelledby="cert-warning-heading">
    <h2 id="cert-warning-heading">Zertifikate brauchen Aufmerksamkeit</h2>
    <ul>
      ${problems.map(({ agencyId, row }) =>
        row === undefined
          ? html`<li>
              <strong>${agencyId}</strong>: kein gültiges Zertifikat — an diese Behörde kann nichts
              verschlüsselt werden.
            </li>`
          : row.state === 'expired'
            ? html`<li>
                <strong>${agencyId}</strong>: Zertifikat seit ${formatBerlinDate(row.notAfter)}
                abgelaufen.
              </li>`
            : html`<li>
                <strong>${agencyId}</strong>: Zertifikat läuft am ${formatBerlinDate(row.notAfter)}
                ab (in ${row.daysLeft} ${row.daysLeft === 1 ? 'Tag' : 'Tagen'}; Warnung
                ${input.warningDays} Tage vorher).
              </li>`,
      )}
    </ul>
    <p class="muted">
      Neues Zertifikat einspielen oder Schlüssel wechseln:
      <a href="/admin/certificates">Zertifikate</a>.
    </p>
  </section>`
}

function field(
  form: { values: Record<string, string> } | undefined,
  name: string,
  label: string,
  attributes: SafeHtml | '' = '',
): SafeHtml {
  return html`<div class="field">
    <label for="${name}">${label}</label>
    <input
      type="text"
      id="${name}"
      name="${name.replace(/^[a-z]+-/, '')}"
      value="${form?.values[name.replace(/^[a-z]+-/, '')] ?? ''}"
      ${attributes}
    />
  </div>`
}

function agenciesSection(input: AdminViewInput): SafeHtml {
  const form = input.agencyForm
  return html`<section class="card" aria-labelledby="agencies-heading">
    <h2 id="agencies-heading">Behörden und Zertifikate</h2>
    <!-- Focusable, so a keyboard can scroll the wide table (axe scrollable-region-focusable). -->
    <div
      class="table-scroll"
      tabindex="0"
      role="region"
      aria-label="Tabelle der Behörden und Zertifikate"
    >
      <table>
        <caption class="visually-hidden">
          Registrierte Behörden
        </caption>
        <thead>
          <tr>
            <th scope="col">Kennung</th>
            <th scope="col">Name</th>
            <th scope="col">Art</th>
            <th scope="col">Funktionspostfach</th>
            <th scope="col">S/MIME-Profil</th>
            <th scope="col">Datenschutzangaben (Art. 13 DSGVO)</th>
            <th scope="col">Zertifikate</th>
          </tr>
        </thead>
        <tbody>
          ${input.agencies.map(
            (a) =>
              html`<tr>
                <td><code>${a.id}</code></td>
                <td>${a.name}</td>
                <td>${agencyKindLabel(a.kind)}</td>
                <td>${a.mailbox}</td>
                <td>${a.smimeProfile}</td>
                <td>
                  ${
                    a.privacyNotice
                      ? 'eingetragen'
                      : html`<strong>fehlen</strong> – keine Einwilligung mit dieser Behörde möglich
                          (<code>brucke agency privacy-notice</code>)`
                  }
                </td>
                <td>${certificateList(input.certificates.get(a.id))}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <h3 id="add-agency-heading">Behörde hinzufügen</h3>
    ${problemsBox(form?.problems)}
    <form
      method="post"
      action="/admin/agencies"
      aria-labelledby="add-agency-heading"
      class="filter-grid"
    >
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      ${field(form, 'agency-id', 'Kennung (z. B. traeger-nord)', html`required pattern="[a-z0-9][a-z0-9\\-]{1,62}"`)}
      ${field(form, 'agency-name', 'Name', html`required`)}
      <div class="field">
        <label for="agency-kind">Art</label>
        <select id="agency-kind" name="kind" required>
          ${input.agencyKinds.map(
            (k) =>
              html`<option value="${k}" ${form?.values.kind === k ? html`selected` : ''}>
                ${agencyKindLabel(k)}
              </option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="agency-mailbox">Funktionspostfach (E-Mail)</label>
        <input
          type="email"
          id="agency-mailbox"
          name="mailbox"
          required
          value="${form?.values.mailbox ?? ''}"
        />
      </div>
      <div class="field">
        <label for="agency-profile">S/MIME-Profil</label>
        <select id="agency-profile" name="smimeProfile">
          <option value="modern">modern (AES-256-GCM, RSA-OAEP/ECDH)</option>
          <option
            value="compatible"
            ${form?.values.smimeProfile === 'compatible' ? html`selected` : ''}
          >
            kompatibel (AES-256-CBC, RSA PKCS#1 v1.5)
          </option>
        </select>
      </div>
      <p class="muted">
        Was jeder Einwilligungstext über diese Behörde sagt (Art. 13 DSGVO); alle drei oder keine
        Angabe. Ohne sie kann keine Einwilligung vorbereitet werden, die diese Behörde nennt.
      </p>
      ${field(form, 'agency-controller', 'Verantwortliche Stelle (Name, Anschrift)')}
      ${field(form, 'agency-dpoContact', 'Datenschutzbeauftragte (Kontakt)')}
      ${field(form, 'agency-supervisoryAuthority', 'Datenschutz-Aufsichtsbehörde (Name, Anschrift)')}
      <p class="actions"><button type="submit">Behörde anlegen</button></p>
    </form>
  </section>`
}

/** A one-button form that posts to an account action, with the session's CSRF token. */
function actionButton(
  input: AdminViewInput,
  user: User,
  action: string,
  label: string,
  fields: SafeHtml | '' = '',
): SafeHtml {
  return html`<form method="post" action="/admin/users/${user.id}/${action}">
    <input type="hidden" name="_csrf" value="${input.csrfToken}" />
    ${fields}
    <button type="submit" class="secondary">
      ${label}<span class="visually-hidden"> (${user.id})</span>
    </button>
  </form>`
}

function accountActions(input: AdminViewInput, user: User): SafeHtml {
  return html`${
    user.disabled
      ? actionButton(input, user, 'enable', 'Entsperren')
      : actionButton(input, user, 'disable', 'Sperren')
  }
  ${actionButton(input, user, 'password-reset', 'Neues Passwort')}
  ${actionButton(input, user, 'sessions/end', 'Sitzungen beenden')}
  ${actionButton(input, user, 'tokens/revoke', 'Alle Tokens widerrufen')}`
}

function tokenList(input: AdminViewInput, user: User): SafeHtml {
  const tokens = input.liveTokens.get(user.id) ?? []
  if (tokens.length === 0) return html`<span class="muted">keine</span>`
  return html`<ul class="plain">
    ${tokens.map(
      (t) =>
        html`<li>
          <code>${t.tokenId}</code><br /><small class="muted"
            >gültig bis ${formatBerlinTime(t.expiresAt)}</small
          >
          ${actionButton(
            input,
            user,
            'tokens/revoke',
            'Widerrufen',
            html`<input type="hidden" name="jti" value="${t.tokenId}" />`,
          )}
        </li>`,
    )}
  </ul>`
}

function accountsSection(input: AdminViewInput): SafeHtml {
  const form = input.accountForm
  return html`<section class="card" aria-labelledby="accounts-heading">
    <h2 id="accounts-heading">Konten und Kiosk-Geräte</h2>
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">
          Konten
        </caption>
        <thead>
          <tr>
            <th scope="col">Kennung</th>
            <th scope="col">Name</th>
            <th scope="col">Rolle</th>
            <th scope="col">Behörde</th>
            <th scope="col">Status</th>
            <th scope="col">API-Tokens</th>
            <th scope="col">Zugang entziehen</th>
          </tr>
        </thead>
        <tbody>
          ${input.accounts.map(
            (u) =>
              html`<tr>
                <td>
                  <code>${u.id}</code>${u.id === input.selfId ? html` <small>(Sie)</small>` : ''}
                </td>
                <td>${u.displayName}</td>
                <td>${roleLabels[u.role]}</td>
                <td>${u.allAgencies ? 'alle Behörden' : (u.agencyId ?? '–')}</td>
                <td>${u.disabled ? html`<span class="status-bad">gesperrt</span>` : 'aktiv'}</td>
                <td>${tokenList(input, u)}</td>
                <td class="row-actions">${accountActions(input, u)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="muted">
      Gesperrte Konten können sich nicht anmelden; ihre Sitzungen enden und alle API-Tokens werden
      widerrufen, ein Kiosk-Gerät wird geleert. Ein neues Passwort beendet ebenfalls Sitzungen und
      Tokens.
    </p>
    <h3 id="add-account-heading">Konto oder Kiosk-Gerät hinzufügen</h3>
    ${problemsBox(form?.problems)}
    <form
      method="post"
      action="/admin/users"
      aria-labelledby="add-account-heading"
      class="filter-grid"
    >
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      ${field(form, 'account-id', 'Kennung', html`required`)}
      ${field(form, 'account-displayName', 'Name', html`required`)}
      <div class="field">
        <label for="account-role">Rolle</label>
        <select id="account-role" name="role" required>
          ${(['staff', 'dpo', 'admin', 'kiosk'] as const).map(
            (r) =>
              html`<option value="${r}" ${form?.values.role === r ? html`selected` : ''}>
                ${roleLabels[r]}
              </option>`,
          )}
        </select>
      </div>
      <div class="field">
        <label for="account-agency">Behörde</label>
        <select id="account-agency" name="agencyId">
          <option value="">keine (Administration, DPO für alle)</option>
          ${input.agencies.map(
            (a) =>
              html`<option value="${a.id}" ${form?.values.agencyId === a.id ? html`selected` : ''}>
                ${a.name} (${a.id})
              </option>`,
          )}
        </select>
      </div>
      <p class="confirm">
        <input
          type="checkbox"
          id="account-all"
          name="allAgencies"
          value="yes"
          ${form?.values.allAgencies === 'yes' ? html`checked` : ''}
        />
        <label for="account-all" class="inline-label">DPO für alle Behörden</label>
      </p>
      <p class="actions">
        <button type="submit">Konto anlegen</button>
        <span class="muted">Ein Startpasswort wird erzeugt und einmal angezeigt.</span>
      </p>
    </form>
  </section>`
}

function mailsSection(mails: readonly DeliveredMail[] | undefined): SafeHtml {
  return html`<section class="card" aria-labelledby="mails-heading">
    <h2 id="mails-heading">Zugestellte Demo-Nachrichten</h2>
    ${
      mails === undefined
        ? html`<p class="muted">Nachrichten gehen an den konfigurierten SMTP-Server (SMTP_URL).</p>`
        : mails.length === 0
          ? html`<p class="muted">Der lokale Sammelbriefkasten ist leer.</p>`
          : html`<p class="muted">
                Ohne SMTP_URL landen Nachrichten im lokalen Sammelbriefkasten. Die .eml-Dateien sind
                S/MIME-verschlüsselt, wie sie die Empfängerbehörde erhält.
              </p>
              <ul>
                ${mails.map(
                  (m) =>
                    html`<li>
                      <a href="/api/v1/transfers/${m.transferId}/catchall.eml" download
                        >${m.transferId}.eml</a
                      >
                      — ${m.senderAgencyId} → ${m.recipientAgencyId}
                      ${
                        m.kind === 'revocation_notice'
                          ? '(Widerrufsmitteilung)'
                          : m.kind === 'receipt'
                            ? '(Empfangsbestätigung)'
                            : ''
                      },
                      zugestellt ${m.deliveredAt ? formatBerlinTime(m.deliveredAt) : ''}
                    </li>`,
                )}
              </ul>`
    }
  </section>`
}

/** The admin page (docs/design.md §6 Pages: agencies, certificates, users, kiosks). */
export function adminView(input: AdminViewInput): SafeHtml {
  return html`<h1>Verwaltung</h1>
    ${adminNav('overview')}
    ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
    ${input.problem ? html`<p class="error" role="alert">${input.problem}</p>` : ''}
    ${warnings(input)} ${agenciesSection(input)} ${accountsSection(input)}
    ${relayLeversSection({ csrfToken: input.csrfToken, ...input.levers })}
    ${federationSection({ csrfToken: input.csrfToken, ...input.federation })}
    ${mailsSection(input.deliveredMails)}`
}

/** Shown once after an account was added: the generated start password. */
export function adminAccountCreatedView(input: { user: User; password: string }): SafeHtml {
  return html`<section class="card" aria-labelledby="created-heading">
    <h1 id="created-heading">Konto angelegt</h1>
    <p>
      ${roleLabels[input.user.role]} <strong>${input.user.displayName}</strong> (Kennung
      <code>${input.user.id}</code>) wurde angelegt.
    </p>
    <p>Startpasswort (wird nur jetzt angezeigt; bitte sicher übergeben):</p>
    <p><code class="password" data-testid="start-password">${input.password}</code></p>
    <p><a href="/admin">Zurück zur Verwaltung</a></p>
  </section>`
}

/** Shown once after a password reset: the new password, and what the reset ended. */
export function adminPasswordResetView(input: {
  user: User
  password: string
  sessionsEnded: number
}): SafeHtml {
  return html`<section class="card" aria-labelledby="reset-heading">
    <h1 id="reset-heading">Neues Passwort gesetzt</h1>
    <p>
      ${roleLabels[input.user.role]} <strong>${input.user.displayName}</strong> (Kennung
      <code>${input.user.id}</code>) hat ein neues Passwort.
      ${
        input.sessionsEnded === 1
          ? '1 Sitzung wurde beendet'
          : `${input.sessionsEnded} Sitzungen wurden beendet`
      },
      alle bisherigen API-Tokens sind widerrufen; das alte Passwort gilt nicht mehr.
    </p>
    <p>Neues Passwort (wird nur jetzt angezeigt; bitte sicher übergeben):</p>
    <p><code class="password" data-testid="new-password">${input.password}</code></p>
    <p><a href="/admin">Zurück zur Verwaltung</a></p>
  </section>`
}
