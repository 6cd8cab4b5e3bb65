import { describe, expect, it } from 'vitest'
import { isForeignSchemaVanished } from '../../../db/migrate.ts'

/**
 * Kysely's introspection fails with 3F000 when another schema is dropped while it reads the
 * catalog (seen in CI: `schema "t_…" does not exist` from a parallel test file); only that case
 * is repeated, never a missing schema of our own or any other error.
 */
describe('which migration failures are another schema vanishing', () => {
  const vanished = (schema: string) =>
    Object.assign(new Error(`schema "${schema}" does not exist`), { code: '3F000' })

  it('repeats when another schema vanished', () => {
    expect(isForeignSchemaVanished(vanished('t_627e7e637d13'), 't_own')).toBe(true)
  })
  it('repeats when another schema changed its columns during the catalog read (42703)', () => {
    const changed = Object.assign(
      new Error('column "role" of relation "consent_signatures" does not exist'),
      { code: '42703' },
    )
    expect(isForeignSchemaVanished(changed, 't_own')).toBe(true)
  })
  it('repeats when a table of another schema vanished during the catalog read (42P01)', () => {
    const gone = (schema: string) =>
      Object.assign(new Error(`relation "${schema}.audit_head" does not exist`), { code: '42P01' })
    expect(isForeignSchemaVanished(gone('t_9d94fd818df1'), 't_own')).toBe(true)
    expect(isForeignSchemaVanished(gone('t_own'), 't_own')).toBe(false)
  })
  it('does not repeat when our own schema is missing', () => {
    expect(isForeignSchemaVanished(vanished('t_own'), 't_own')).toBe(false)
  })
  it('does not repeat other errors', () => {
    expect(isForeignSchemaVanished(Object.assign(new Error('x'), { code: '42P01' }), 't_own')).toBe(
      false,
    )
    expect(isForeignSchemaVanished(new Error('schema "a" does not exist'), 't_own')).toBe(false)
    expect(isForeignSchemaVanished('3F000', 't_own')).toBe(false)
  })
})
