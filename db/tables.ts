import type { AccountTables } from './tables/account-tables.ts'
import type { AuditTables } from './tables/audit-tables.ts'
import type { ConsentTables } from './tables/consent-tables.ts'
import type { ComposerTables } from './tables/composer-tables.ts'
import type { CryptoTables } from './tables/crypto-tables.ts'
import type { IdempotencyTables } from './tables/idempotency-tables.ts'
import type { KioskTables } from './tables/kiosk-tables.ts'
import type { RelayTables } from './tables/relay-tables.ts'
import type { StaffTables } from './tables/staff-tables.ts'
import type { SystemTables } from './tables/system-tables.ts'

/**
 * Every table, by area. Columns are snake_case; instants are ISO-8601 UTC strings (sortable and
 * identical on SQLite and PostgreSQL); JSON columns are text parsed with zod in the repositories.
 */
export interface Tables
  extends
    AccountTables,
    AuditTables,
    ComposerTables,
    ConsentTables,
    CryptoTables,
    IdempotencyTables,
    KioskTables,
    RelayTables,
    StaffTables,
    SystemTables {}
