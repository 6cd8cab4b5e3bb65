import type { Logger } from 'pino'
import type { Deps } from '../deps.ts'
import { createLogger } from '../logger.ts'
import { openRuntime } from '../runtime.ts'

export interface CliContext {
  env: Record<string, string | undefined>
  cwd: string
  out: (line: string) => void
  err: (line: string) => void
  /**
   * Asks the operator a yes/no question at the terminal; absent when input is not a terminal
   * (a script, a pipe), so a command needing confirmation refuses instead of guessing.
   */
  confirm?: (question: string) => Promise<boolean>
}

/** Thrown by commands for a failure the user can fix; printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

/** Opens the same configuration and database as `brucke serve`; logs go to stderr. */
export async function withRuntime<T>(
  context: CliContext,
  run: (deps: Deps) => Promise<T>,
  logLevel?: string,
): Promise<T> {
  const { deps } = await openRuntime({
    env: context.env,
    cwd: context.cwd,
    log: (config): Logger =>
      createLogger(
        logLevel ?? (config.logLevel === 'info' ? 'warn' : config.logLevel),
        process.stderr,
      ),
  })
  try {
    return await run(deps)
  } finally {
    deps.relay.hardwareKeys?.close()
    await deps.database.close()
  }
}
