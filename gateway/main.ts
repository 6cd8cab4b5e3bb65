import { createInterface } from 'node:readline/promises'
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
    ...(process.stdin.isTTY ? { confirm: askAtTerminal } : {}),
  })
  if (exitCode !== 0) process.exitCode = exitCode
}

async function askAtTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^(y|yes|j|ja)$/i.test((await terminal.question(`${question} [y/N] `)).trim())
  } finally {
    terminal.close()
  }
}
