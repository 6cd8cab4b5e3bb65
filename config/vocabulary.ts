import { parseVocabulary, type Vocabulary } from '../consent/vocabulary.ts'
import categories from './vocabulary/categories.json' with { type: 'json' }
import purposes from './vocabulary/purposes.json' with { type: 'json' }

/**
 * The purposes and data categories of docs/design.md §5, validated when first imported: a broken
 * vocabulary file stops the service at start, not at the first consent.
 */
export const vocabulary: Vocabulary = parseVocabulary({ purposes, categories })
