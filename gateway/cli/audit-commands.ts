import type { Command } from 'commander'
import type { CliContext } from './cli-context.ts'

/** CLI commands of the audit area. */
export function registerAuditCommands(_program: Command, _context: CliContext): void {}
