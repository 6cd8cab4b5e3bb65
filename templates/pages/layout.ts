import { html, type SafeHtml } from './html.ts'

export interface LayoutInput {
  title: string
  lang?: string
  dir?: 'ltr' | 'rtl'
  body: SafeHtml
  /** Scripts under /assets, self-hosted; no external resources. */
  scripts?: string[]
  styles?: string[]
  /** The signed-in user's name and role for the header, if any. */
  who?: { name: string; role: string; csrfToken: string }
  bodyClass?: string
  /** The skip link's text in the page's language (German unless given). */
  skipLinkText?: string
}

/** The page frame shared by every server-rendered page. */
export function layout(input: LayoutInput): string {
  const styles = ['/assets/base.css', ...(input.styles ?? [])]
  return (
    '<!doctype html>\n' +
    html`<html lang="${input.lang ?? 'de'}" dir="${input.dir ?? 'ltr'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>${input.title} · Brücke</title>
        ${styles.map((href) => html`<link rel="stylesheet" href="${href}" />`)}
        <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
      </head>
      <body class="${input.bodyClass ?? ''}">
        <a class="skip-link" href="#main">${input.skipLinkText ?? 'Zum Inhalt springen'}</a>
        <header class="site-header">
          <span class="brand" aria-label="Brücke">Brücke</span>
          ${
            input.who
              ? html`<form class="who" method="post" action="/logout">
                  <span>${input.who.name} · ${input.who.role}</span>
                  <input type="hidden" name="_csrf" value="${input.who.csrfToken}" />
                  <button type="submit" class="link-button">Abmelden</button>
                </form>`
              : ''
          }
        </header>
        <main id="main" tabindex="-1">${input.body}</main>
        ${(input.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
      </body>
    </html>`.value
  )
}

export function errorPage(status: number, title: string, message: string): string {
  return layout({
    title,
    body: html`<section class="card">
      <h1>${title}</h1>
      <p>${message}</p>
      <p><a href="/login">Zur Anmeldung</a></p>
    </section>`,
  })
}
