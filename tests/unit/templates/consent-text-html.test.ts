import { describe, expect, it } from 'vitest'
import { consentTextHtml } from '../../../templates/pages/kiosk/consent-text-html.ts'

describe('consent text as HTML', () => {
  it('when a short line asks a question, in Latin, Cyrillic or Arabic script, then it is a sub-heading; statements and list items are not', () => {
    const text = [
      'Titel',
      'Was gilt, weil Sie noch nicht 18 sind?',
      'Что действует, потому что вам ещё нет 18 лет?',
      'ما الذي ينطبق لأنك لم تبلغ 18 سنة بعد؟',
      'Vielleicht sagen Sie später Nein.',
      '- eine Stelle',
      '',
    ].join('\n')
    const rendered = String(consentTextHtml(text))
    expect(rendered).toContain('<h2>Titel</h2>')
    expect(rendered).toContain('<h3>Was gilt, weil Sie noch nicht 18 sind?</h3>')
    expect(rendered).toContain('<h3>Что действует, потому что вам ещё нет 18 лет?</h3>')
    expect(rendered).toContain('<h3>ما الذي ينطبق لأنك لم تبلغ 18 سنة بعد؟</h3>')
    expect(rendered).toContain('<p>Vielleicht sagen Sie später Nein.</p>')
    expect(rendered).toContain('<li>eine Stelle</li>')
  })
})
