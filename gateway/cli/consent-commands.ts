import type { Command } from 'commander'
import type { CliContext } from './cli-context.ts'

/** CLI commands of the consent area. */
export function registerConsentCommands(_program: Command, _context: CliContext): void {}
