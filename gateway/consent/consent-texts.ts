import type { ConsentTemplate } from '../../consent/consent-text.ts'
import { loadConsentTemplates } from '../../templates/consent/load-consent-templates.ts'

let cached: ConsentTemplate[] | undefined

/** The consent text templates, read from `templates/consent/` once per process. */
export function consentTemplates(): ConsentTemplate[] {
  cached ??= loadConsentTemplates()
  return cached
}
