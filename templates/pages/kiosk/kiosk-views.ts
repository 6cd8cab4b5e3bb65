import type { SafeHtml } from '../html.ts'
import { html } from '../html.ts'
import { languageSwitcher } from '../i18n/language-switcher.ts'
import { directionOf, fill, htmlLangOf, stringsFor } from '../i18n/person-language.ts'
import { layout } from '../layout.ts'
import { consentTextHtml } from './consent-text-html.ts'
import { roleLabel } from '../i18n/person-labels.ts'
import { signatureWidget, type SignatureWidgetInput } from './signature-widget.ts'

export interface KioskFrameInput {
  title: string
  language: string
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
    lang: htmlLangOf(input.language),
    dir: directionOf(input.language),
    styles: ['/assets/kiosk.css'],
    scripts: ['/assets/kiosk.js'],
    bodyClass: 'kiosk',
    skipLinkText: stringsFor(input.language).skipToContent,
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
const languageField = (language: string) =>
  html`<input type="hidden" name="language" value="${language}" />`

/** A link that keeps the language chosen before a session exists. */
const withLang = (path: string, language: string) =>
  language === 'de' ? path : `${path}?lang=${encodeURIComponent(language)}`

export function kioskStartView(input: {
  csrf: string
  language: string
  /** Whether the person picked the language here (then it carries into the flow). */
  chosen: boolean
  pushed: boolean
  error?: string
}): SafeHtml {
  const t = stringsFor(input.language)
  const carried = input.chosen ? languageField(input.language) : ''
  return html`${languageSwitcher({ current: input.language, action: '/kiosk' })}
    <section class="card kiosk-start">
      <h1>${t.welcome}</h1>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      ${
        input.pushed
          ? html`<form method="post" action="/kiosk/take-pushed" class="kiosk-push">
              ${csrfField(input.csrf)} ${carried}
              <p>${t.pushedIntro}</p>
              <button type="submit" class="big">${t.openPushed}</button>
            </form>`
          : ''
      }
      <form method="post" action="/kiosk/pickup">
        ${csrfField(input.csrf)} ${carried}
        <label for="code">${t.pickupCode}</label>
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
          dir="ltr"
          class="big-input"
        />
        <p><button type="submit" class="big">${t.open}</button></p>
      </form>
    </section>
    <section class="card">
      <h2>${t.revokeHeading}</h2>
      <p>${t.revokeIntro}</p>
      <p>
        <a class="button big secondary" href="${withLang('/kiosk/revoke', input.language)}"
          >${t.revoke}</a
        >
      </p>
    </section>`
}

/** The language choice inside a person's flow: stored with the flow, so every step follows it. */
function flowLanguageSwitcher(csrf: string, current: string): SafeHtml {
  return languageSwitcher({ current, action: '/kiosk/language', csrf })
}

/** "Nicht zustimmen", with an optional reason — not when confirming (nothing is recorded). */
function declineForm(csrf: string, language: string, askReason = true): SafeHtml {
  const t = stringsFor(language)
  if (!askReason)
    return html`<form method="post" action="/kiosk/decline" class="inline-form">
      ${csrfField(csrf)}
      <button type="submit" class="big decline">${t.decline}</button>
    </form>`
  return html`<form method="post" action="/kiosk/decline" class="inline-form decline-form">
    ${csrfField(csrf)}
    <details>
      <summary>${t.declineReason}</summary>
      <textarea
        name="reason"
        maxlength="500"
        rows="3"
        dir="auto"
        aria-label="${t.declineReason}"
      ></textarea>
    </details>
    <button type="submit" class="big decline">${t.decline}</button>
  </form>`
}

export function kioskReadView(input: {
  csrf: string
  language: string
  text: string
  /** Confirming at majority: straight to the signature, no choice to make. */
  confirming?: boolean
}): SafeHtml {
  const t = stringsFor(input.language)
  return html`${flowLanguageSwitcher(input.csrf, input.language)}
    <section class="card consent-text" aria-labelledby="read-heading">
      ${input.confirming ? html`<p class="lead">${t.confirmHeading}</p>` : ''}
      <h1 id="read-heading">${t.read}</h1>
      ${t.bindingNote ? html`<p class="binding-note">${t.bindingNote}</p>` : ''}
      <p>
        <button
          type="button"
          class="big secondary"
          id="read-aloud"
          data-stop-label="${t.stopReading}"
          hidden
        >
          ${t.readAloud}
        </button>
      </p>
      <div id="consent-text">${consentTextHtml(input.text)}</div>
    </section>
    <div class="decision-row">
      <form method="post" action="/kiosk/step" class="inline-form">
        ${csrfField(input.csrf)}
        <input type="hidden" name="step" value="${input.confirming ? 'sign' : 'choose'}" />
        <button type="submit" class="big agree">${t.next}</button>
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

/** A single-transfer consent's case summary as the kiosk shows it before signing. */
export interface KioskSummaryView {
  /** SHA-256 the consent is bound to. */
  sha256: string
  /** The sections, when staff pushed the summary with the draft; else null. */
  sections: { title: string; categoryLabel: string; body: string }[] | null
}

function summaryView(summary: KioskSummaryView, language: string): SafeHtml {
  const t = stringsFor(language)
  if (!summary.sections)
    return html`<p>${t.summaryNotShown}</p>
      <p class="hash" dir="ltr">SHA-256: ${summary.sha256}</p>`
  return html`<p>${t.summaryExact}</p>
    ${summary.sections.map(
      (s) =>
        html`<article class="summary-section">
          <h3>
            <bdi lang="de">${s.title}</bdi> <span class="explanation">(${s.categoryLabel})</span>
          </h3>
          <p lang="de" dir="ltr" class="summary-body">${s.body}</p>
        </article>`,
    )}
    <p class="hash" dir="ltr">SHA-256: ${summary.sha256}</p>`
}

export function kioskChooseView(input: {
  csrf: string
  language: string
  recipients: ChoiceItem[]
  categories: ChoiceItem[]
  special: ChoiceItem[]
  summary: KioskSummaryView | null
  error?: string
}): SafeHtml {
  const t = stringsFor(input.language)
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
        ><strong><bdi>${item.label}</bdi></strong
        >${
          item.explanation ? html`<span class="explanation">${item.explanation}</span>` : ''
        }</label
      >
    </li>`
  return html`${flowLanguageSwitcher(input.csrf, input.language)}
    <form method="post" action="/kiosk/choose" class="card choices">
      ${csrfField(input.csrf)}
      <h1>${t.choose}</h1>
      <p>${t.chooseHelp}</p>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <fieldset>
        <legend>${t.recipientsQuestion}</legend>
        <ul class="checks">
          ${input.recipients.map((r) => box('recipient', r))}
        </ul>
      </fieldset>
      <fieldset>
        <legend>${t.categoriesQuestion}</legend>
        <ul class="checks">
          ${input.categories.map((c) => box('category', c))}
        </ul>
      </fieldset>
      ${
        input.special.length > 0
          ? html`<fieldset class="special">
              <legend>${t.special}</legend>
              <p>${t.specialHelp}</p>
              <ul class="checks">
                ${input.special.map((c) => box('category', c))}
              </ul>
            </fieldset>`
          : ''
      }
      ${
        input.summary
          ? html`<section class="summary" aria-labelledby="summary-heading">
              <h2 id="summary-heading">${t.summary}</h2>
              ${summaryView(input.summary, input.language)}
            </section>`
          : ''
      }
      <p><button type="submit" class="big agree">${t.next}</button></p>
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
  const t = stringsFor(input.language)
  return html`${flowLanguageSwitcher(input.csrf, input.language)}
    <section class="card signing" aria-labelledby="sign-heading">
      <h1 id="sign-heading">
        ${input.confirming ? t.confirmHeading : `${t.sign}: ${roleLabel(input.language, input.role)}`}
      </h1>
      <p class="muted">${fill(t.stepOf, { step: input.step, steps: input.steps })}</p>
      <form
        method="post"
        action="${input.confirming ? '/kiosk/confirm' : '/kiosk/sign'}"
        id="sign-form"
      >
        ${csrfField(input.csrf)} ${signatureWidget({ language: input.language, ...input.widget })}
        <div class="decision-row">
          <button type="submit" class="big agree">${t.agree}</button>
        </div>
      </form>
      <div class="decision-row">${declineForm(input.csrf, input.language, !input.confirming)}</div>
    </section>`
}

export function kioskDoneView(input: { language: string; confirmed: boolean }): SafeHtml {
  const t = stringsFor(input.language)
  return html`<section class="card kiosk-done">
    <h1>${input.confirmed ? t.doneConfirmed : t.doneThanks}</h1>
    <p><a class="button big" href="/kiosk">${t.toStart}</a></p>
  </section>`
}

export function kioskRevokeView(input: {
  csrf: string
  language: string
  error?: string
  done?: boolean
}): SafeHtml {
  const t = stringsFor(input.language)
  if (input.done)
    return html`<section class="card">
      <h1>${t.revokedHeading}</h1>
      <p role="status">${t.revokedDone}</p>
      <p><a class="button big" href="/kiosk">${t.toStart}</a></p>
    </section>`
  return html`${languageSwitcher({ current: input.language, action: '/kiosk/revoke' })}
    <section class="card">
      <h1>${t.revokeHeading}</h1>
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <form method="post" action="/kiosk/revoke">
        ${csrfField(input.csrf)} ${languageField(input.language)}
        <label for="receipt-code">${t.receiptCode}</label>
        <input
          id="receipt-code"
          name="receiptCode"
          type="text"
          autocomplete="off"
          maxlength="20"
          required
          dir="ltr"
          class="big-input"
        />
        <label for="birth-date">${t.birthDate}</label>
        <input id="birth-date" name="birthDate" type="date" required class="big-input" />
        <p>
          <input type="checkbox" id="confirm" name="confirm" value="yes" required />
          <label for="confirm">${t.revokeCheck}</label>
        </p>
        <div class="decision-row">
          <button type="submit" class="big decline">${t.revoke}</button>
          <a class="button big secondary" href="${withLang('/kiosk', input.language)}"
            >${t.cancel}</a
          >
        </div>
      </form>
    </section>`
}
