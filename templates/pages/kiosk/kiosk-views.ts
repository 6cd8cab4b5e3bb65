import type { SafeHtml } from '../html.ts'
import { html } from '../html.ts'
import { layout } from '../layout.ts'
import { consentTextHtml } from './consent-text-html.ts'
import { signatoryLabels, stringsFor, kioskStrings } from './kiosk-strings.ts'
import { signatureWidget, type SignatureWidgetInput } from './signature-widget.ts'

export interface KioskFrameInput {
  title: string
  language: string
  rtl: boolean
  csrf: string
  idleSeconds: number
  body: SafeHtml
  /** Whether a person's session is open (then the idle wipe runs). */
  personal: boolean
}

/**
 * Every kiosk page: the idle timer and the wipe form live in the frame, so no page of the
 * person can stay on screen. The page's `lang`/`dir` follow the chosen language.
 */
export function kioskFrame(input: KioskFrameInput): string {
  return layout({
    title: input.title,
    lang: input.language === 'de-ls' ? 'de' : input.language,
    dir: input.rtl ? 'rtl' : 'ltr',
    styles: ['/assets/kiosk.css'],
    scripts: ['/assets/kiosk.js'],
    bodyClass: 'kiosk',
    body: html`<div
        id="kiosk"
        data-idle-seconds="${input.idleSeconds}"
        data-personal="${input.personal ? 'yes' : 'no'}"
      >
        ${input.body}
      </div>
      <form id="kiosk-wipe" method="post" action="/kiosk/wipe" hidden>
        <input type="hidden" name="_csrf" value="${input.csrf}" />
      </form>`,
  })
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}" />`

export function kioskStartView(input: { csrf: string; pushed: boolean; error?: string }): SafeHtml {
  return html`<section class="card kiosk-start">
      <h1>Willkommen</h1>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      ${
        input.pushed
          ? html`<form method="post" action="/kiosk/take-pushed" class="kiosk-push">
              ${csrfField(input.csrf)}
              <p>Ihre Fachkraft hat eine Erklärung an dieses Gerät geschickt.</p>
              <button type="submit" class="big">Erklärung öffnen</button>
            </form>`
          : ''
      }
      <form method="post" action="/kiosk/pickup">
        ${csrfField(input.csrf)}
        <label for="code">Code von Ihrer Fachkraft</label>
        <input
          id="code"
          name="code"
          type="text"
          inputmode="text"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          maxlength="20"
          required
          class="big-input"
        />
        <p><button type="submit" class="big">Öffnen</button></p>
      </form>
    </section>
    <section class="card">
      <h2>Einwilligung widerrufen</h2>
      <p>Sie haben einen Beleg und möchten eine Einwilligung zurücknehmen?</p>
      <p><a class="button big secondary" href="/kiosk/revoke">Widerrufen</a></p>
    </section>`
}

export function languageSwitcher(csrf: string, current: string): SafeHtml {
  const strings = stringsFor(current)
  return html`<form method="post" action="/kiosk/language" class="languages">
    ${csrfField(csrf)}
    <fieldset>
      <legend>
        ${strings.language === 'Sprache' ? 'Sprache' : `${strings.language} / Sprache`}
      </legend>
      ${Object.entries(kioskStrings).map(
        ([code, s]) =>
          html`<button
            type="submit"
            name="language"
            value="${code}"
            lang="${code === 'de-ls' ? 'de' : code}"
            aria-pressed="${code === current ? 'true' : 'false'}"
            class="lang-button"
          >
            ${s.languageName}
          </button>`,
      )}
    </fieldset>
  </form>`
}

/** "Nicht zustimmen", with an optional reason — not when confirming (nothing is recorded). */
function declineForm(csrf: string, language: string, askReason = true): SafeHtml {
  const strings = stringsFor(language)
  if (!askReason)
    return html`<form method="post" action="/kiosk/decline" class="inline-form">
      ${csrfField(csrf)}
      <button type="submit" class="big decline">${strings.decline}</button>
    </form>`
  return html`<form method="post" action="/kiosk/decline" class="inline-form decline-form">
    ${csrfField(csrf)}
    <details>
      <summary>${strings.declineReason}</summary>
      <textarea
        name="reason"
        maxlength="500"
        rows="3"
        aria-label="${strings.declineReason}"
      ></textarea>
    </details>
    <button type="submit" class="big decline">${strings.decline}</button>
  </form>`
}

export function kioskReadView(input: {
  csrf: string
  language: string
  text: string
  bindingGermanText?: string
  /** Confirming at majority: straight to the signature, no choice to make. */
  confirming?: boolean
}): SafeHtml {
  const strings = stringsFor(input.language)
  return html`${languageSwitcher(input.csrf, input.language)}
    <section class="card consent-text" aria-labelledby="read-heading">
      ${input.confirming ? html`<p class="lead">${strings.confirmHeading}</p>` : ''}
      <h1 id="read-heading">${strings.read}</h1>
      ${strings.bindingNote ? html`<p class="binding-note">${strings.bindingNote}</p>` : ''}
      <p>
        <button type="button" class="big secondary" id="read-aloud" hidden>
          ${strings.readAloud}
        </button>
      </p>
      <div id="consent-text">${consentTextHtml(input.text)}</div>
    </section>
    <div class="decision-row">
      <form method="post" action="/kiosk/step" class="inline-form">
        ${csrfField(input.csrf)}
        <input type="hidden" name="step" value="${input.confirming ? 'sign' : 'choose'}" />
        <button type="submit" class="big agree">${strings.next}</button>
      </form>
      ${declineForm(input.csrf, input.language, !input.confirming)}
    </div>`
}

export interface ChoiceItem {
  id: string
  label: string
  explanation?: string
  checked: boolean
}

export function kioskChooseView(input: {
  csrf: string
  language: string
  recipients: ChoiceItem[]
  categories: ChoiceItem[]
  special: ChoiceItem[]
  summary: SafeHtml | null
  error?: string
}): SafeHtml {
  const strings = stringsFor(input.language)
  const box = (name: string, item: ChoiceItem) =>
    html`<li>
      <input
        type="checkbox"
        id="${name}-${item.id}"
        name="${name}"
        value="${item.id}"
        ${item.checked ? html`checked` : ''}
      />
      <label for="${name}-${item.id}"
        ><strong>${item.label}</strong>${
          item.explanation ? html`<span class="explanation">${item.explanation}</span>` : ''
        }</label
      >
    </li>`
  return html`${languageSwitcher(input.csrf, input.language)}
    <form method="post" action="/kiosk/choose" class="card choices">
      ${csrfField(input.csrf)}
      <h1>${strings.choose}</h1>
      <p>${strings.chooseHelp}</p>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <fieldset>
        <legend>${strings.recipients}</legend>
        <ul class="checks">
          ${input.recipients.map((r) => box('recipient', r))}
        </ul>
      </fieldset>
      <fieldset>
        <legend>${strings.categories}</legend>
        <ul class="checks">
          ${input.categories.map((c) => box('category', c))}
        </ul>
      </fieldset>
      ${
        input.special.length > 0
          ? html`<fieldset class="special">
              <legend>${strings.special}</legend>
              <p>${strings.specialHelp}</p>
              <ul class="checks">
                ${input.special.map((c) => box('category', c))}
              </ul>
            </fieldset>`
          : ''
      }
      ${
        input.summary
          ? html`<section class="summary" aria-labelledby="summary-heading">
              <h2 id="summary-heading">${strings.summary}</h2>
              ${input.summary}
            </section>`
          : ''
      }
      <p><button type="submit" class="big agree">${strings.next}</button></p>
    </form>
    <div class="decision-row">${declineForm(input.csrf, input.language)}</div>`
}

export function kioskSignView(input: {
  csrf: string
  language: string
  role: string
  step: number
  steps: number
  /** The signing widget's state: the way chosen, the name typed, what was refused. */
  widget: Omit<SignatureWidgetInput, 'language'>
  /** Confirming at majority: the young adult's own signature, posted to /kiosk/confirm. */
  confirming?: boolean
}): SafeHtml {
  const strings = stringsFor(input.language)
  return html`${languageSwitcher(input.csrf, input.language)}
    <section class="card signing" aria-labelledby="sign-heading">
      <h1 id="sign-heading">
        ${
          input.confirming
            ? strings.confirmHeading
            : html`${strings.sign}:
                <span lang="de">${signatoryLabels[input.role] ?? input.role}</span>`
        }
      </h1>
      <p class="muted">${input.step} / ${input.steps}</p>
      <form
        method="post"
        action="${input.confirming ? '/kiosk/confirm' : '/kiosk/sign'}"
        id="sign-form"
      >
        ${csrfField(input.csrf)} ${signatureWidget({ language: input.language, ...input.widget })}
        <div class="decision-row">
          <button type="submit" class="big agree">${strings.agree}</button>
        </div>
      </form>
      <div class="decision-row">${declineForm(input.csrf, input.language, !input.confirming)}</div>
    </section>`
}

export function kioskDoneView(message: string): SafeHtml {
  return html`<section class="card kiosk-done">
    <h1>${message}</h1>
    <p><a class="button big" href="/kiosk">Zum Start</a></p>
  </section>`
}

export function kioskRevokeView(input: { csrf: string; error?: string; done?: boolean }): SafeHtml {
  if (input.done)
    return html`<section class="card">
      <h1>Widerrufen</h1>
      <p role="status">Die Einwilligung ist widerrufen. Ab jetzt wird nichts mehr übermittelt.</p>
      <p><a class="button big" href="/kiosk">Zum Start</a></p>
    </section>`
  return html`<section class="card">
    <h1>Einwilligung widerrufen</h1>
    ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
    <form method="post" action="/kiosk/revoke">
      ${csrfField(input.csrf)}
      <label for="receipt-code">Belegcode</label>
      <input
        id="receipt-code"
        name="receiptCode"
        type="text"
        autocomplete="off"
        maxlength="20"
        required
        class="big-input"
      />
      <label for="birth-date">Geburtsdatum</label>
      <input id="birth-date" name="birthDate" type="date" required class="big-input" />
      <p>
        <input type="checkbox" id="confirm" name="confirm" value="yes" required />
        <label for="confirm">Ja, ich widerrufe diese Einwilligung.</label>
      </p>
      <div class="decision-row">
        <button type="submit" class="big decline">Widerrufen</button>
        <a class="button big secondary" href="/kiosk">Abbrechen</a>
      </div>
    </form>
  </section>`
}
