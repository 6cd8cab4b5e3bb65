import { html, type SafeHtml } from '../html.ts'
import { stringsFor } from '../i18n/person-language.ts'
import { signingStringsFor } from './signing-strings.ts'

/** How the person signs on the kiosk page: drawn on the pad, or the name typed and confirmed. */
export type SigningWay = 'drawn' | 'typed'

/** What went wrong with the last attempt, and where (the field gets `aria-invalid`). */
export type SigningProblem = 'name' | 'name_invalid' | 'drawing' | 'confirm'

export interface SignatureWidgetInput {
  language: string
  /** The way chosen last time (default: drawing). */
  way: SigningWay
  /** The name typed last time, kept after a refusal so nobody types it twice. */
  name: string
  problem?: SigningProblem
}

/**
 * The signing widget (issue «The person's side» point 3): one radio group chooses between the
 * pad and the typed signature, so a keyboard, switch or screen-reader user never meets a canvas
 * they cannot use. Without the script both parts are shown and the radio button decides; with
 * it (kiosk.js) only the chosen part is, and the hidden one leaves the accessibility tree. An
 * error is announced (`role=alert`) and tied to its field (`aria-describedby`).
 */
export function signatureWidget(input: SignatureWidgetInput): SafeHtml {
  const strings = stringsFor(input.language)
  const signing = signingStringsFor(input.language)
  const problem = input.problem
  const message = problem
    ? {
        name: signing.errorName,
        name_invalid: signing.errorNameInvalid,
        drawing: signing.errorDrawing,
        confirm: signing.errorConfirm,
      }[problem]
    : undefined
  const nameInvalid = problem === 'name' || problem === 'name_invalid'
  const typed = input.way === 'typed'
  return html`${message ? html`<p class="error" role="alert" id="sign-error">${message}</p>` : ''}
    <fieldset class="signing-ways">
      <legend>${signing.methodLegend}</legend>
      <div class="way">
        <input
          type="radio"
          name="way"
          id="way-drawn"
          value="drawn"
          aria-controls="drawn-signature"
          ${typed ? '' : html`checked`}
        />
        <label for="way-drawn">${signing.methodDrawn}</label>
      </div>
      <div class="way">
        <input
          type="radio"
          name="way"
          id="way-typed"
          value="typed"
          aria-controls="typed-signature"
          ${typed ? html`checked` : ''}
        />
        <label for="way-typed">${signing.methodTyped}</label>
      </div>
    </fieldset>
    <label for="signer-name">${strings.typedName}</label>
    <input
      id="signer-name"
      name="name"
      type="text"
      autocomplete="off"
      maxlength="200"
      required
      class="big-input"
      value="${input.name}"
      ${nameInvalid ? html`aria-invalid="true" aria-describedby="sign-error"` : ''}
    />
    <div id="drawn-signature" class="signing-way-panel" data-way="drawn">
      <p id="pad-label">${strings.signHere}</p>
      <canvas
        id="signature-pad"
        class="signature-pad"
        width="900"
        height="260"
        role="img"
        aria-labelledby="pad-label"
      ></canvas>
      <input type="hidden" name="evidence" id="evidence" value="" />
      <p>
        <button type="button" class="secondary" id="clear-signature">${strings.clear}</button>
      </p>
    </div>
    <div id="typed-signature" class="signing-way-panel" data-way="typed">
      <p id="typed-help">${signing.typedHelp}</p>
      <div class="confirm-typed">
        <input
          type="checkbox"
          id="typed-confirm"
          name="confirm"
          value="yes"
          ${
            problem === 'confirm'
              ? html`aria-invalid="true" aria-describedby="sign-error typed-help"`
              : html`aria-describedby="typed-help"`
          }
        />
        <label for="typed-confirm">${signing.typedConfirm}</label>
      </div>
    </div>`
}
