import type { ConsentSubject } from '../../../consent/consent.ts'
import { html, type SafeHtml } from '../html.ts'
import { formatCalendarDate } from '../view-models/format-berlin-time.ts'

export interface ReidentifyFormInput {
  csrfToken: string
  values: { subjectPseudonym?: string | undefined; reason?: string | undefined }
  problems: readonly string[]
}

/** The deliberate re-identification: pseudonym, a mandatory stated reason, an explicit confirmation. */
export function dpoReidentifyForm(input: ReidentifyFormInput): SafeHtml {
  return html`<section class="card" aria-labelledby="reid-heading">
    <h1 id="reid-heading">Pseudonym re-identifizieren</h1>
    <p>
      Die Auflösung eines Pseudonyms zeigt den Namen und das Geburtsdatum der Person. Sie ist nur
      zulässig, wenn sie für eine konkrete Aufgabe erforderlich ist (z. B. ein Auskunftsersuchen
      nach Art. 15 DSGVO). Jede Auflösung wird mit Ihrer Begründung im Protokoll festgehalten — auch
      wenn keine Person gefunden wird.
    </p>
    ${
      input.problems.length > 0
        ? html`<div class="error" role="alert">
            <ul>
              ${input.problems.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    <form method="post" action="/dpo/reidentify">
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      <label for="reid-pseudonym">Pseudonym</label>
      <input
        type="text"
        id="reid-pseudonym"
        name="subjectPseudonym"
        required
        autocomplete="off"
        value="${input.values.subjectPseudonym ?? ''}"
      />
      <label for="reid-reason">Begründung (Pflicht, mindestens 10 Zeichen)</label>
      <textarea
        id="reid-reason"
        name="reason"
        rows="3"
        required
        minlength="10"
        maxlength="500"
        aria-describedby="reid-reason-hint"
      >
${input.values.reason ?? ''}</textarea>
      <small id="reid-reason-hint" class="muted"
        >Nennen Sie Anlass und Aktenzeichen; keine Gesundheits- oder Falldaten.</small
      >
      <p class="confirm">
        <input type="checkbox" id="reid-confirm" name="confirm" value="yes" required />
        <label for="reid-confirm" class="inline-label"
          >Ich löse dieses Pseudonym bewusst auf und bestätige, dass dies für den genannten Anlass
          erforderlich ist.</label
        >
      </p>
      <p class="actions"><button type="submit">Pseudonym auflösen</button></p>
    </form>
  </section>`
}

/** The outcome, shown once; the page is not cached and the name is not stored anywhere new. */
export function dpoReidentifyResult(input: {
  subjectPseudonym: string
  /** The person behind the pseudonym, if there is one in the DPO's scope. */
  subject: Pick<ConsentSubject, 'givenName' | 'familyName' | 'birthDate'> | undefined
  auditSeq: number
}): SafeHtml {
  return html`<section class="card" aria-labelledby="reid-result-heading">
    <h1 id="reid-result-heading">Ergebnis der Re-Identifizierung</h1>
    <p>Pseudonym <code>${input.subjectPseudonym}</code>:</p>
    ${
      input.subject
        ? html`<dl class="record" data-testid="reidentified">
            <dt>Vorname</dt>
            <dd>${input.subject.givenName}</dd>
            <dt>Familienname</dt>
            <dd>${input.subject.familyName}</dd>
            <dt>Geburtsdatum</dt>
            <dd>${formatCalendarDate(input.subject.birthDate)}</dd>
          </dl>`
        : html`<p data-testid="reidentified">
            Zu diesem Pseudonym ist in Ihrem Sichtbereich keine Person gespeichert.
          </p>`
    }
    <p class="notice">
      Diese Auflösung ist als
      <a href="/dpo/entries/${input.auditSeq}">Eintrag ${input.auditSeq}</a> im Protokoll vermerkt.
    </p>
    <p><a href="/dpo">Zurück zum Protokoll</a></p>
  </section>`
}
