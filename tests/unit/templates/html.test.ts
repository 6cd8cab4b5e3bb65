import { describe, expect, it } from 'vitest'
import { escapeHtml, html } from '../../../templates/pages/html.ts'

describe('escapeHtml (the one escaper of pages and mail bodies)', () => {
  it('escapes the five characters that can end text or an attribute: & < > " and \'', () => {
    expect(escapeHtml(`Tom & Jerry <b>"hi"</b> it's`)).toBe(
      'Tom &amp; Jerry &lt;b&gt;&quot;hi&quot;&lt;/b&gt; it&#39;s',
    )
  })

  it('escapes an ampersand once, so an entity typed by a person stays visible as typed', () => {
    expect(escapeHtml('&amp; &#39;')).toBe('&amp;amp; &amp;#39;')
  })

  it('leaves other text, umlauts and line breaks alone', () => {
    expect(escapeHtml('Übergabebogen für Jörg\nZeile 2 / 3 = ok')).toBe(
      'Übergabebogen für Jörg\nZeile 2 / 3 = ok',
    )
  })

  it('when a value closes a single-quoted attribute, then it cannot open a new one', () => {
    // A plain template string: prettier rewrites the quotes inside an html`` literal.
    const markup = `<a title='${escapeHtml("x' onmouseover='alert(1)")}'>a</a>`
    expect(markup).toBe(`<a title='x&#39; onmouseover=&#39;alert(1)'>a</a>`)
  })

  it('escapes interpolated values but not markup marked as safe', () => {
    expect(html`<p>${'<i>'}${html`<br>`}</p>`.value).toBe('<p>&lt;i&gt;<br></p>')
  })
})
