import type { Agency } from '../../../accounts/account-schemas.ts'
import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { textVersionLabel } from '../code-labels.ts'
import { html, type SafeHtml } from '../html.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import {
  agencyName,
  categoryLabel,
  channelLabel,
  kindLabel,
  methodLabel,
  purposeLabel,
  showDate,
  showInstant,
  signatoryLabel,
  statusLabel,
} from './staff-labels.ts'

export interface ConsentDetailViewInput {
  language: StaffLanguage
  csrfToken: string
  consent: ConsentViewModel
  agencies: readonly Agency[]
  ownAgencyId: string
  vocabulary: Vocabulary
  warnings: readonly string[]
  /** The agency's kiosks a draft can be pushed to. */
  kiosks: readonly { id: string; name: string }[]
  /**
   * Offer "verlängern / erneuern" (issue 18 point 5): the consent is ending or has ended and the
   * caller's agency may renew it (consent/permissions.ts).
   */
  offerRenewal?: boolean
  /** A message after an action (e.g. "signature recorded"). */
  notice?: string
  error?: string
}

/** One consent: what it covers, who signed, the hand-off (pickup code, paper) and revocation. */
export function consentDetailView(input: ConsentDetailViewInput): SafeHtml {
  const { language: lang, consent: c, vocabulary, agencies } = input
  const isSender = c.senders.includes(input.ownAgencyId)
  const isCreator = c.createdByAgencyId === input.ownAgencyId
  // A draft watches for the kiosk to finish (templates/assets/staff-live.js reloads the page).
  const watch =
    c.status === 'draft' ? html`data-watch-consent="${c.id}" data-watch-status="draft"` : ''
  return html`<section class="card" ${watch}>
      <h1>
        ${kindLabel(c.kind, lang)}: ${c.subject.givenName} ${c.subject.familyName}
        <span class="badge status-${c.status}">${statusLabel(c.status, lang)}</span>
      </h1>
      ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
      ${
        c.status === 'draft'
          ? html`<p
              class="notice"
              role="status"
              data-watch-message
              data-text="${say(lang, 'Die Einwilligung wurde am Kiosk abgeschlossen. Die Seite wird aktualisiert …', 'The consent was completed at the kiosk. The page is being updated …')}"
              hidden
            ></p>`
          : ''
      }
      ${input.error ? html`<p class="alert error-box" role="alert">${input.error}</p>` : ''}
      <p>
        <a href="/staff/people/${c.subjectPseudonym}"
          >${say(lang, 'Alles zu dieser Person', 'Everything about this person')}</a
        >
      </p>
      <dl class="facts">
        <dt>${say(lang, 'Geburtsdatum', 'Date of birth')}</dt>
        <dd>${showDate(c.subject.birthDate, lang)}</dd>
        <dt>${say(lang, 'Aktenzeichen', 'File number')}</dt>
        <dd data-case-refs>
          ${
            Object.keys(c.subject.caseRefs).length > 0
              ? Object.entries(c.subject.caseRefs).map(
                  ([agencyId, ref]) =>
                    html`<span>${ref} (${agencyName(agencyId, agencies)})</span> `,
                )
              : say(lang, '— (keines angegeben)', '— (none given)')
          }
        </dd>
        <dt>${say(lang, 'Von', 'From')}</dt>
        <dd>${c.senders.map((id) => agencyName(id, agencies)).join(', ')}</dd>
        <dt>${say(lang, 'An', 'To')}</dt>
        <dd>
          ${c.recipients.map(
            (id) =>
              html`<span class="${c.deselectedRecipients.includes(id) ? 'deselected' : ''}"
                >${agencyName(id, agencies)}${
                  c.deselectedRecipients.includes(id)
                    ? say(lang, ' (abgewählt)', ' (deselected)')
                    : ''
                }</span
              > `,
          )}
        </dd>
        <dt>${say(lang, 'Zwecke', 'Purposes')}</dt>
        <dd>${c.purposes.map((p) => purposeLabel(p, vocabulary, lang)).join(', ')}</dd>
        <dt>${say(lang, 'Datenkategorien', 'Data categories')}</dt>
        <dd>
          ${c.categories.map(
            (id) =>
              html`<span class="tag ${c.deselectedCategories.includes(id) ? 'deselected' : ''}"
                >${categoryLabel(id, vocabulary, lang)}${
                  c.deselectedCategories.includes(id)
                    ? say(lang, ' (abgewählt)', ' (deselected)')
                    : ''
                }</span
              > `,
          )}
        </dd>
        <dt>${say(lang, 'Gültig', 'Valid')}</dt>
        <dd>${showDate(c.validFrom, lang)} – ${showDate(c.validUntil, lang)}</dd>
        ${
          c.kind === 'schweigepflichtsentbindung' || c.releasedProfessionals.length > 0
            ? html`<dt>
                  ${say(lang, 'Entbundene Fachkräfte oder Stellen', 'Professionals or bodies released')}
                </dt>
                <dd>${c.releasedProfessionals.join('; ') || '—'}</dd>`
            : ''
        }
        ${
          c.entrustingPersons.length > 0
            ? html`<dt>
                  ${say(lang, 'Anvertraut von (§ 65 SGB VIII)', 'Entrusted by (§ 65 SGB VIII)')}
                </dt>
                <dd>
                  ${c.entrustingPersons
                    .map((p) =>
                      p.isYouth
                        ? say(lang, 'der jungen Person selbst', 'the young person')
                        : `${p.name}${p.relation ? ` (${p.relation})` : ''}`,
                    )
                    .join('; ')}
                </dd>`
            : ''
        }
        ${
          c.entrustedCategories.length > 0
            ? html`<dt>
                  ${say(lang, 'Anvertraute Kategorien (§ 65 SGB VIII)', 'Entrusted categories (§ 65 SGB VIII)')}
                </dt>
                <dd>
                  ${c.entrustedCategories.map((id) => categoryLabel(id, vocabulary, lang)).join(', ')}
                </dd>`
            : ''
        }
        <dt>${say(lang, 'Text', 'Text')}</dt>
        <dd>
          ${textVersionLabel(c.text)}, SHA-256
          <code>${c.text.sha256.slice(0, 16)}…</code>
        </dd>
      </dl>
    </section>
    <section class="card">
      <h2>${say(lang, 'Unterschriften', 'Signatures')}</h2>
      ${
        c.signatures.length > 0
          ? html`<table>
              <thead>
                <tr>
                  <th scope="col">${say(lang, 'Rolle', 'Role')}</th>
                  <th scope="col">Name</th>
                  <th scope="col">${say(lang, 'Art', 'Method')}</th>
                  <th scope="col">${say(lang, 'Zeit', 'Time')}</th>
                  <th scope="col">${say(lang, 'Gelesener Text', 'Text read')}</th>
                </tr>
              </thead>
              <tbody>
                ${c.signatures.map(
                  (s) =>
                    html`<tr>
                      <td>${signatoryLabel(s.role, lang)}</td>
                      <td>${s.name}</td>
                      <td>${methodLabel(s.method, lang)}</td>
                      <td>${showInstant(s.signedAt, lang)}</td>
                      <td>
                        ${
                          s.text
                            ? html`${textVersionLabel(s.text)} · SHA-256
                                <code title="${s.text.sha256}"
                                  >${s.text.sha256.slice(0, 16)}…</code
                                >`
                            : '—'
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p>${say(lang, 'Noch keine Unterschrift.', 'No signature yet.')}</p>`
      }
      ${
        c.status === 'draft' && c.missingSignatories.length > 0
          ? html`<p class="strong">
              ${say(lang, 'Es müssen noch unterschreiben:', 'Still to sign:')}
              ${c.missingSignatories.map((r) => signatoryLabel(r, lang)).join(', ')}
            </p>`
          : ''
      }
    </section>
    ${
      c.status === 'draft'
        ? isCreator
          ? handOff(input)
          : html`<section class="card">
              <p>
                ${say(lang, 'Die Unterschrift holt die vorbereitende Stelle ein; eine empfangende Stelle unterschreibt, bestätigt und verwirft nie.', 'The preparing agency collects the signature; a receiving agency never signs, attests or discards.')}
              </p>
            </section>`
        : ''
    }
    ${
      c.status === 'declined' && c.declinedAt
        ? html`<section class="card alert warning-box">
            <h2>${say(lang, 'Abgelehnt', 'Declined')}</h2>
            <p>
              ${say(lang, 'Die Person hat am Kiosk nicht zugestimmt:', 'The person did not agree at the kiosk:')}
              ${showInstant(c.declinedAt, lang)}.
              ${say(lang, 'Der Abholcode gilt nicht mehr.', 'The pickup code no longer works.')}
            </p>
            ${
              c.declineReason
                ? html`<p>
                    ${say(lang, 'Begründung der Person:', "The person's reason:")}
                    <q>${c.declineReason}</q>
                  </p>`
                : html`<p class="muted">
                    ${say(lang, 'Ohne Begründung (die Person muss keine nennen).', 'No reason given (the person need not give one).')}
                  </p>`
            }
          </section>`
        : ''
    }
    ${
      c.status === 'lapsed' && c.lapsedAt
        ? html`<section class="card">
            <h2>${say(lang, 'Erloschen', 'Lapsed')}</h2>
            <p>
              ${say(lang, 'Die Person hat die von der erziehungsberechtigten Person mit unterschriebene Einwilligung nach dem 18. Geburtstag nicht bestätigt. Niemand hat widerrufen; die Einwilligung ist seit', 'The person did not confirm after turning 18 the consent a guardian co-signed. Nobody revoked it; it has lapsed since')}
              ${showInstant(c.lapsedAt, lang)} ${say(lang, 'erloschen.', '.')}
            </p>
          </section>`
        : ''
    }
    ${renewalSection(input)} ${c.status === 'active' ? activeActions(input, isSender) : ''}
    ${
      c.revocation
        ? html`<section class="card">
            <h2>${say(lang, 'Widerruf', 'Revocation')}</h2>
            <p>
              ${showInstant(c.revocation.at, lang)} · ${say(lang, 'Kanal', 'channel')}:
              ${channelLabel(c.revocation.channel, lang)}
              ${c.revocation.reason ? html` · ${c.revocation.reason}` : ''}
            </p>
          </section>`
        : ''
    }`
}

/** Where this consent stands in a renewal: renews another, was renewed, or may be renewed. */
function renewalSection(input: ConsentDetailViewInput): SafeHtml {
  const { language: lang, consent: c } = input
  return html`${
    c.renewsConsentId !== null
      ? html`<section class="card" aria-labelledby="renews-h">
          <h2 id="renews-h">${say(lang, 'Erneuerung', 'Renewal')}</h2>
          <p>
            ${say(lang, 'Diese Einwilligung erneuert eine bisherige Einwilligung.', 'This consent renews an earlier consent.')}
            ${
              c.status === 'draft'
                ? say(
                    lang,
                    'Die bisherige endet, sobald diese vollständig unterschrieben ist.',
                    'The earlier one ends as soon as this one is fully signed.',
                  )
                : ''
            }
            <a href="/staff/consents/${c.renewsConsentId}"
              >${say(lang, 'Bisherige Einwilligung öffnen', 'Open the earlier consent')}</a
            >
          </p>
        </section>`
      : ''
  }
  ${
    c.status === 'renewed' && c.renewedAt !== null
      ? html`<section class="card" aria-labelledby="renewed-h">
          <h2 id="renewed-h">${say(lang, 'Erneuert', 'Renewed')}</h2>
          <p>
            ${say(lang, 'Die Person hat eine neue Einwilligung unterschrieben; diese hier gilt seit', 'The person signed a new consent; this one no longer applies since')}
            ${showInstant(c.renewedAt, lang)}
            ${say(lang, 'nicht mehr. Niemand hat widerrufen.', '. Nobody revoked it.')}
            ${
              c.renewedByConsentId !== null
                ? html`<a href="/staff/consents/${c.renewedByConsentId}"
                    >${say(lang, 'Neue Einwilligung öffnen', 'Open the new consent')}</a
                  >`
                : ''
            }
          </p>
        </section>`
      : ''
  }
  ${
    input.offerRenewal
      ? html`<section class="card" aria-labelledby="renew-h">
          <h2 id="renew-h">${say(lang, 'Verlängern / erneuern', 'Extend / renew')}</h2>
          <p>
            ${
              c.status === 'active'
                ? say(
                    lang,
                    'Die Einwilligung endet bald. Bereiten Sie mit denselben Angaben eine neue vor; die Person liest und unterschreibt sie am Kiosk. Mit der Unterschrift endet diese Einwilligung.',
                    'The consent ends soon. Prepare a new one with the same details; the person reads and signs it at the kiosk. With that signature this consent ends.',
                  )
                : say(
                    lang,
                    'Diese Einwilligung gilt nicht mehr. Bereiten Sie mit denselben Angaben eine neue vor; die Person liest und unterschreibt sie am Kiosk.',
                    'This consent no longer applies. Prepare a new one with the same details; the person reads and signs it at the kiosk.',
                  )
            }
          </p>
          <p>
            <a class="button" href="/staff/consents/${c.id}/renewal"
              >${say(lang, 'verlängern / erneuern', 'extend / renew')}</a
            >
          </p>
        </section>`
      : ''
  }`
}

function handOff(input: ConsentDetailViewInput): SafeHtml {
  const { language: lang, consent: c } = input
  return html`${
      input.warnings.length > 0
        ? html`<section class="card alert warning-box" aria-labelledby="warn-h">
            <h2 id="warn-h">
              ${say(lang, 'Vor der Unterschrift besprechen', 'Talk through before signing')}
            </h2>
            <ul>
              ${input.warnings.map((w) => html`<li>${w}</li>`)}
            </ul>
          </section>`
        : ''
    }
    <section class="card handoff">
      <h2>${say(lang, 'Am Kiosk unterschreiben', 'Sign at the kiosk')}</h2>
      ${
        c.kioskCode
          ? html`<p>${say(lang, 'Abholcode für den Kiosk:', 'Pickup code for the kiosk:')}</p>
              <p
                class="pickup-code"
                aria-label="${say(lang, 'Abholcode', 'Pickup code')} ${c.kioskCode.split('').join(' ')}"
              >
                ${c.kioskCode}
              </p>
              <p class="muted">
                ${say(lang, 'Gültig bis', 'Valid until')}
                ${c.kioskCodeExpiresAt ? showInstant(c.kioskCodeExpiresAt, lang) : ''}
              </p>`
          : html`<p>
              ${say(lang, 'Der Abholcode ist abgelaufen.', 'The pickup code has expired.')}
            </p>`
      }
      ${
        input.kiosks.length > 0
          ? html`<form method="post" action="/staff/consents/${c.id}/push" class="filter">
              <input type="hidden" name="_csrf" value="${input.csrfToken}" />
              <div>
                <label for="push-kiosk"
                  >${say(lang, 'Oder direkt an einen Kiosk senden', 'Or send straight to a kiosk')}</label
                >
                <select id="push-kiosk" name="kioskId">
                  ${input.kiosks.map((k) => html`<option value="${k.id}">${k.name}</option>`)}
                </select>
              </div>
              <button type="submit" class="secondary">
                ${say(lang, 'An Kiosk senden', 'Send to kiosk')}
              </button>
            </form>`
          : ''
      }
    </section>
    <section class="card">
      <h2>${say(lang, 'Auf Papier unterschreiben', 'Sign on paper')}</h2>
      <p>
        <a class="button secondary" href="/staff/consents/${c.id}/print"
          >${say(lang, 'Formular zum Drucken öffnen', 'Open the form for printing')}</a
        >
      </p>
      <form
        method="post"
        action="/staff/consents/${c.id}/paper-signature"
        class="paper-form"
        data-scan-form
      >
        <input type="hidden" name="_csrf" value="${input.csrfToken}" />
        <input type="hidden" name="scan" value="" data-scan-data />
        <div class="grid-3">
          <div>
            <label for="paper-role">${say(lang, 'Wer hat unterschrieben?', 'Who signed?')}</label>
            <select id="paper-role" name="role">
              ${c.missingSignatories.map((r) => html`<option value="${r}">${signatoryLabel(r, lang)}</option>`)}
            </select>
          </div>
          <div>
            <label for="paper-name">${say(lang, 'Name laut Unterschrift', 'Name as signed')}</label>
            <input type="text" id="paper-name" name="name" autocomplete="off" required />
          </div>
          <div>
            <label for="paper-scan"
              >${say(lang, 'Scan des unterschriebenen Formulars', 'Scan of the signed form')}</label
            >
            <input
              type="file"
              id="paper-scan"
              accept="application/pdf,image/png,image/jpeg"
              data-scan-file
              aria-describedby="paper-scan-help"
            />
            <p class="explanation" id="paper-scan-help">
              ${say(lang, 'PDF, PNG oder JPEG, höchstens 4 MB. Der Scan wird als Nachweis mit der Einwilligung gespeichert; das Papier bleibt in der Akte. Nur eine absendende Stelle erfasst Unterschriften.', 'PDF, PNG or JPEG, at most 4 MB. The scan is kept with the consent as evidence; the paper stays in the file. Only a sending agency records signatures.')}
            </p>
            <p class="muted" data-scan-status aria-live="polite"></p>
          </div>
        </div>
        <button type="submit">
          ${say(lang, 'Papier-Unterschrift erfassen', 'Record paper signature')}
        </button>
      </form>
    </section>
    <section class="card">
      <form method="post" action="/staff/consents/${c.id}/discard">
        <input type="hidden" name="_csrf" value="${input.csrfToken}" />
        <button type="submit" class="secondary">
          ${say(lang, 'Entwurf verwerfen', 'Discard draft')}
        </button>
      </form>
    </section>`
}

function activeActions(input: ConsentDetailViewInput, isSender: boolean): SafeHtml {
  const { language: lang, consent: c } = input
  return html`${
      isSender
        ? html`<section class="card">
            <h2>${say(lang, 'Fallzusammenfassung senden', 'Send a case summary')}</h2>
            <p>
              <a class="button" href="/staff/compose/${c.id}"
                >${say(lang, 'Zusammenfassung verfassen', 'Compose summary')}</a
              >
            </p>
            <p class="muted">
              ${say(lang, 'Oder aus dem Mailprogramm (an das Funktionspostfach der Empfängerin, erste Zeile „Erforderlichkeit: …“), mit diesem Zusatz im Betreff:', "Or from your mail client (to the recipient's functional mailbox, first line “Erforderlichkeit: …”), with this in the subject:")}
              <code
                >[Brücke consent=${c.id} purpose=${c.purposes.length === 1 ? c.purposes[0] : '…'}
                category=…]</code
              >
            </p>
          </section>`
        : ''
    }
    <section class="card">
      <h2>${say(lang, 'Im Auftrag der Person widerrufen', "Revoke on the person's behalf")}</h2>
      <p class="muted">
        ${say(lang, 'Der Widerruf wirkt sofort: Noch nicht zugestellte Übermittlungen werden abgebrochen.', 'The revocation takes effect at once: transfers not yet delivered are cancelled.')}
      </p>
      <form method="post" action="/staff/consents/${c.id}/revocation">
        <input type="hidden" name="_csrf" value="${input.csrfToken}" />
        <label for="revoke-reason"
          >${say(lang, 'Grund / wie die Person widerrufen hat', 'Reason / how the person revoked')}</label
        >
        <input
          type="text"
          id="revoke-reason"
          name="reason"
          required
          maxlength="500"
          autocomplete="off"
        />
        <button type="submit" class="danger">
          ${say(lang, 'Widerruf erfassen', 'Record revocation')}
        </button>
      </form>
    </section>`
}
