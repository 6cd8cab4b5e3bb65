import { html, type SafeHtml } from '../html.ts'

export type AdminSection = 'overview' | 'certificates' | 'kiosks'

const links: { section: AdminSection; href: string; label: string }[] = [
  { section: 'overview', href: '/admin', label: 'Übersicht und Konten' },
  { section: 'certificates', href: '/admin/certificates', label: 'Zertifikate' },
  { section: 'kiosks', href: '/admin/kiosks', label: 'Kiosk-Geräte' },
]

/** The administration's pages, the current one marked (same look as the DPO workplace's nav). */
export function adminNav(current: AdminSection): SafeHtml {
  return html`<nav class="dpo-nav" aria-label="Verwaltung">
    <ul>
      ${links.map(
        (link) =>
          html`<li>
            <a href="${link.href}" ${link.section === current ? html`aria-current="page"` : ''}
              >${link.label}</a
            >
          </li>`,
      )}
    </ul>
  </nav>`
}
