import type { Command } from 'commander'
import type { CliContext } from './cli-context.ts'

/** CLI commands of the crypto area. */
export function registerCryptoCommands(_program: Command, _context: CliContext): void {}
