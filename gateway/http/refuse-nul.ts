import { ApiError } from './api-error.ts'

/** The dotted path of the first string or key holding U+0000 in a parsed request value. */
export function pathOfNul(value: unknown, path: readonly string[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : undefined
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = pathOfNul(item, [...path, String(index)])
      if (found !== undefined) return found
    }
    return undefined
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, key].join('.')
      const found = pathOfNul(item, [...path, key])
      if (found !== undefined) return found
    }
  }
  return undefined
}

/**
 * Refuses a query, body or form holding U+0000 anywhere, as a 400 naming the field. No field of
 * Brücke means a NUL, and PostgreSQL cannot store one in text: without this check the same input
 * is stored on SQLite and a 500 on PostgreSQL.
 */
export function refuseNul(value: unknown, what: 'query' | 'request body' | 'form'): void {
  const path = pathOfNul(value)
  if (path === undefined) return
  const message = `The ${what} contains a NUL character (U+0000).`
  throw new ApiError('validation_failed', message, {
    details: {
      issues: [{ path, code: 'nul_character', message }],
    },
  })
}
