import { z } from 'zod'

/** A vocabulary term id: lower-case snake_case, as in docs/design.md §5. */
export const termIdSchema = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/)

/**
 * Languages every vocabulary text must have: German (`de`), the binding language, and English
 * (`en`), the common fallback for staff and partners. Further languages (`de-ls` Leichte Sprache,
 * `ar`, `tr`, `uk`, `ru`, `fa`, …) are optional keys: an operator adding a term need not translate
 * it at once, and a missing translation shows the German text (see {@link localized}).
 */
export const requiredVocabularyLanguages = ['de', 'en'] as const

/** Texts per language, keyed BCP 47 style in lower case. */
export const localizedTextSchema = z
  .record(z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/), z.string().trim().min(1).max(1000))
  .superRefine((texts, ctx) => {
    for (const language of requiredVocabularyLanguages)
      if (typeof texts[language] !== 'string')
        ctx.addIssue({ code: 'custom', message: `a text in ${language} is required` })
  })
export type LocalizedText = z.infer<typeof localizedTextSchema>

export const purposeTermSchema = z.strictObject({
  label: localizedTextSchema,
  explanation: localizedTextSchema,
  /** The plain-language "what you gain" part (Vorteilsübersetzung). */
  gain: localizedTextSchema,
})

/** `art9`: special category (Art. 9 GDPR); `art10`: criminal data (Art. 10 GDPR). */
export const sensitivitySchema = z.enum(['normal', 'art9', 'art10'])

export const categoryTermSchema = z.strictObject({
  label: localizedTextSchema,
  explanation: localizedTextSchema,
  sensitivity: sensitivitySchema,
  /** Data entrusted for personal and educational help (§ 65 SGB VIII) when it leaves a Jugendamt. */
  section65: z.boolean(),
})

export const vocabularySchema = z.strictObject({
  purposes: z
    .record(termIdSchema, purposeTermSchema)
    .refine((r) => Object.keys(r).length > 0, 'at least one purpose'),
  categories: z
    .record(termIdSchema, categoryTermSchema)
    .refine((r) => Object.keys(r).length > 0, 'at least one category'),
})
export type Vocabulary = z.infer<typeof vocabularySchema>

/** Validates the parsed vocabulary files (the domain never reads files itself). */
export function parseVocabulary(data: unknown): Vocabulary {
  return vocabularySchema.parse(data)
}

/**
 * Text in the wanted language; else in its base language (`de-ls` → `de`); else German, the
 * binding text. Only own keys count, so a language such as `constructor` cannot hit the prototype.
 */
export function localized(text: LocalizedText, language: string): string {
  const own = (key: string): string | undefined =>
    Object.hasOwn(text, key) ? text[key] : undefined
  return own(language) ?? own(language.split('-')[0] ?? 'de') ?? (text.de as string)
}

/** Special categories (Art. 9/10 GDPR) are shown separately and never preselected. */
export function isSpecialCategory(vocabulary: Vocabulary, category: string): boolean {
  const term = vocabulary.categories[category]
  return term !== undefined && term.sensitivity !== 'normal'
}
