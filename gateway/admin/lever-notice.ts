import { z } from 'zod'
import { html, type SafeHtml } from '../../templates/pages/html.ts'

/** What a lever did, carried to the page after its redirect (`?lever=<what>:<id>`). */
const leverDoneSchema = z
  .string()
  .regex(/^(retried|cancelled|paused|resumed):[A-Za-z0-9_-]{1,64}$/)
  .transform((value) => {
    const [action = '', id = ''] = value.split(':')
    return { action, id }
  })

/** The notice for `?lever=…` on the admin page, or undefined. */
export function leverNotice(query: unknown): SafeHtml | undefined {
  const done = leverDoneSchema.safeParse(query)
  if (!done.success) return undefined
  const { action, id } = done.data
  switch (action) {
    case 'retried':
      return html`Übermittlung <code>${id}</code> erneut eingereiht; sie geht mit der nächsten
        Zustellrunde hinaus.`
    case 'cancelled':
      return html`Übermittlung <code>${id}</code> abgebrochen; sie wird nicht gesendet.`
    case 'paused':
      return html`Zustellung an <code>${id}</code> angehalten.`
    default:
      return html`Zustellung an <code>${id}</code> fortgesetzt; wartende Übermittlungen gehen sofort
        hinaus.`
  }
}
