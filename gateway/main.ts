import { runCli } from './cli/program.ts'

/**
 * The process entry point: the only place that reads `process.env` and `process.argv`.
 * Everything below receives them as arguments.
 */
export async function main(): Promise<void> {
  const exitCode = await runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  })
  if (exitCode !== 0) process.exitCode = exitCode
}
