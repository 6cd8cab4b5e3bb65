import { z } from 'zod'

/** An identifier of a record or account (never a clear name). */
export const idSchema = z.string().min(1).max(128)
/** Lower-case hex SHA-256. */
export const sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/)
