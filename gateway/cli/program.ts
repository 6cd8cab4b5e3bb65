import { Command, CommanderError } from 'commander'
import { ZodError } from 'zod'
import { MigrationError } from '../../db/migrate.ts'
import { ApiError } from '../http/api-error.ts'
import { ConfigError } from '../runtime-config.ts'
import { registerAccountCommands } from './account-commands.ts'
import { CliError, withRuntime, type CliContext } from './cli-context.ts'
import { registerServeCommand } from './serve-command.ts'
import { registerAuditCommands } from './audit-commands.ts'
import { registerConsentCommands } from './consent-commands.ts'
import { registerCryptoCommands } from './crypto-commands.ts'
import { registerFederationCommands } from './federation-commands.ts'
import { registerRelayCommands } from './relay-commands.ts'

/** Registers every command; areas add theirs through {@link commandRegistrars}. */
export const commandRegistrars: ((program: Command, context: CliContext) => void)[] = [
  registerServeCommand,
  registerAccountCommands,
  registerFederationCommands,
  registerConsentCommands,
  registerCryptoCommands,
  registerRelayCommands,
  registerAuditCommands,
]

export function buildProgram(context: CliContext): Command {
  const program = new Command('brucke')
    .description('Brücke — consent and data-exchange gateway')
    .exitOverride()
    // Options after a subcommand belong to it (`brucke token revoke --user X` is not
    // `brucke token --user X`).
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (s) => context.out(s.trimEnd()),
      writeErr: (s) => context.err(s.trimEnd()),
    })
  program
    .command('db')
    .description('database maintenance')
    .command('migrate')
    .description('apply pending migrations')
    .action(async () => {
      await withRuntime(context, (deps) => {
        context.out(`Database ${deps.database.description} is up to date.`)
        return Promise.resolve()
      })
    })
  for (const register of commandRegistrars) register(program, context)
  return program
}

/** Runs the CLI and returns the exit code; expected failures print one clear message. */
export async function runCli(argv: string[], context: CliContext): Promise<number> {
  const program = buildProgram(context)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (error) {
    return reportCliError(error, context)
  }
}

export function reportCliError(error: unknown, context: CliContext): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
  if (error instanceof ConfigError) {
    context.err(error.message)
    return 2
  }
  if (error instanceof CliError) {
    context.err(`brucke: ${error.message}`)
    return error.exitCode
  }
  if (error instanceof ApiError) {
    const issues = (error.details?.issues as { path: string; message: string }[] | undefined) ?? []
    context.err(
      `brucke: ${error.message}${issues.map((i) => `\n  - ${i.path}: ${i.message}`).join('')}`,
    )
    return 1
  }
  if (error instanceof ZodError) {
    context.err(
      `brucke: invalid input${error.issues.map((i) => `\n  - ${i.path.join('.') || '(value)'}: ${i.message}`).join('')}`,
    )
    return 1
  }
  if (error instanceof MigrationError) {
    context.err(`brucke: ${error.message}`)
    return 1
  }
  const code = (error as { code?: string }).code
  if (code === 'ECONNREFUSED' || code === '3D000' || code === '28P01' || code === 'ENOTFOUND') {
    context.err(`brucke: cannot reach the database (${code}): ${(error as Error).message}`)
    return 1
  }
  if (typeof code === 'string' && code.startsWith('ERR_') && error instanceof Error) {
    context.err(`brucke: ${error.message} (${code})`)
    return 1
  }
  context.err(
    `brucke: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  )
  return 70
}
