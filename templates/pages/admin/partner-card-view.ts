import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime } from '../view-models/format-berlin-time.ts'

/** An agency as the federation section lists it. */
export interface FederationAgencyRow {
  id: string
  name: string
  smimeProfile: 'modern' | 'compatible'
  hosted: boolean
}

/**
 * The admin page's federation section (issue 16 point 1): which agencies are hosted here and
 * which are partners, a form to check a partner card before importing it, and the S/MIME profile
 * of each agency.
 */
export function federationSection(input: {
  csrfToken: string
  /** Only an administrator of the whole instance imports cards. */
  mayImportCards: boolean
  agencies: readonly FederationAgencyRow[]
}): SafeHtml {
  if (input.agencies.length === 0 && !input.mayImportCards) return html``
  return html`<section class="card" aria-labelledby="federation-heading">
    <h2 id="federation-heading">Partner-Gateways (Partnerkarten)</h2>
    <ul>
      ${input.agencies.map(
        (a) =>
          html`<li>
            <code>${a.id}</code> ${a.name}:
            ${a.hosted ? 'hier gehostet (Schlüssel hier)' : 'Partner (nur Partnerkarte hier)'}
          </li>`,
      )}
    </ul>
    ${input.mayImportCards ? cardForm(input.csrfToken) : ''}
    <form method="post" action="/admin/agencies/profile">
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      <label for="profile-agency">S/MIME-Profil ändern für</label>
      <select id="profile-agency" name="agencyId" required>
        ${input.agencies.map(
          (a) => html`<option value="${a.id}">${a.id} (jetzt ${a.smimeProfile})</option>`,
        )}
      </select>
      <label for="profile-value">Profil</label>
      <select id="profile-value" name="smimeProfile" required>
        <option value="modern">modern (AES-256-GCM, RSA-OAEP/ECDH)</option>
        <option value="compatible">compatible (AES-256-CBC, RSA PKCS#1 v1.5)</option>
      </select>
      <button type="submit" class="secondary">Profil ändern</button>
    </form>
  </section>`
}

function cardForm(csrfToken: string): SafeHtml {
  return html`<form method="post" action="/admin/partner-cards/preview">
    <input type="hidden" name="_csrf" value="${csrfToken}" />
    <label for="partner-card">Partnerkarte einer Partnerbehörde (Inhalt der Datei)</label>
    <textarea id="partner-card" name="card" rows="6" required></textarea>
    <p class="muted">
      Nach „Prüfen“ zeigt die Seite die Fingerabdrücke; importiert wird erst nach Ihrer Bestätigung.
      Vergleichen Sie die Fingerabdrücke vorher auf einem anderen Weg (Telefon, Schreiben) mit der
      Partnerbehörde.
    </p>
    <button type="submit">Prüfen</button>
  </form>`
}

/** What the operator compares before confirming an import. */
export interface PartnerCardPreviewInput {
  csrfToken: string
  cardText: string
  agency: { id: string; name: string; kind: string; mailbox: string; smimeProfile: string }
  inboundSmtp: string
  crlUrl: string | null
  issuedAt: string
  replaces: boolean
  fingerprints: {
    card: string
    certificates: readonly { sha256: string; subject: string; notAfter: string }[]
    caChain: readonly { sha256: string; subject: string }[]
  }
}

export function partnerCardPreviewView(input: PartnerCardPreviewInput): SafeHtml {
  const f = input.fingerprints
  return html`<h1>Partnerkarte prüfen</h1>
    <section class="card" aria-labelledby="card-heading">
      <h2 id="card-heading">${input.agency.name} (<code>${input.agency.id}</code>)</h2>
      <p>
        ${
          input.replaces
            ? 'Diese Karte ersetzt die bisher importierte Karte dieser Behörde (z. B. Schlüsselwechsel).'
            : 'Diese Behörde ist hier noch nicht bekannt; sie wird als Partner eingetragen.'
        }
      </p>
      <dl>
        <dt>Funktionspostfach</dt>
        <dd>${input.agency.mailbox}</dd>
        <dt>Eingang für S/MIME (SMTP)</dt>
        <dd><code>${input.inboundSmtp}</code></dd>
        <dt>Sperrliste (CRL)</dt>
        <dd>${input.crlUrl ?? 'keine angegeben'}</dd>
        <dt>S/MIME-Profil</dt>
        <dd>${input.agency.smimeProfile}</dd>
        <dt>Ausgestellt</dt>
        <dd>${formatBerlinTime(input.issuedAt)}</dd>
        <dt>SHA-256 der Karte</dt>
        <dd><code class="fingerprint">${f.card}</code></dd>
        ${f.certificates.map(
          (c, i) =>
            html`<dt>SHA-256 Zertifikat ${String(i + 1)}${i === 0 ? ' (aktuell)' : ''}</dt>
              <dd>
                <code class="fingerprint">${c.sha256}</code><br />${c.subject}, gültig bis
                ${formatBerlinTime(c.notAfter)}
              </dd>`,
        )}
        ${f.caChain.map(
          (c, i) =>
            html`<dt>SHA-256 ${i === f.caChain.length - 1 ? 'Wurzel-CA' : 'Zwischen-CA'}</dt>
              <dd><code class="fingerprint">${c.sha256}</code><br />${c.subject}</dd>`,
        )}
      </dl>
      <form method="post" action="/admin/partner-cards/import">
        <input type="hidden" name="_csrf" value="${input.csrfToken}" />
        <input type="hidden" name="card" value="${input.cardText}" />
        <p>
          <strong
            >Stimmen die Fingerabdrücke mit dem überein, was die Partnerbehörde Ihnen mitgeteilt
            hat?</strong
          >
        </p>
        <button type="submit">Ja, Partnerkarte importieren</button>
        <a href="/admin">Abbrechen</a>
      </form>
    </section>`
}
