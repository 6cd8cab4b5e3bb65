import { z } from 'zod'
import agencyKinds from './vocabulary/agency-kinds.json' with { type: 'json' }

/** Agency kinds of docs/design.md §5. */
export const agencyKindSchema = z.enum(['jobcenter', 'agentur', 'jugendamt', 'traeger'])
export type AgencyKind = z.infer<typeof agencyKindSchema>

export function agencyKindLabel(kind: AgencyKind, language: 'de' | 'en' = 'de'): string {
  return agencyKinds[kind].label[language]
}
