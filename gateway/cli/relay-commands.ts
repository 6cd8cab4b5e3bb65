import type { Command } from 'commander'
import type { CliContext } from './cli-context.ts'

/** CLI commands of the relay area. */
export function registerRelayCommands(_program: Command, _context: CliContext): void {}
