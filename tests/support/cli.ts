import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
export const bruckeBin = fileURLToPath(new URL('../../bin/brucke.js', import.meta.url))

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * The environment for a child process: the parent's without any Brücke settings, plus `env`.
 * The SMTP ingress listens on any free port unless `env` names one, so parallel tests that
 * start `brucke serve` never collide on the default 2525.
 */
export function cleanEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue
    if (/^(BRUCKE_|DATABASE_URL|SMTP_|INBOUND_SMTP_|PORT|HOST|PUBLIC_URL|LOG_LEVEL)/.test(key))
      continue
    base[key] = value
  }
  return { ...base, SMTP_INGRESS_PORT: '0', INBOUND_SMTP_PORT: '0', ...env }
}

/** Runs `brucke …` as a real process, as an operator would. */
export function runBrucke(
  args: string[],
  options: { env: Record<string, string>; cwd?: string; input?: string },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bruckeBin, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: cleanEnv(options.env),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/**
 * Runs `brucke …` in this process through `runCli`: everything the binary runs except main.ts,
 * which only hands it `process.argv`, `process.env` and the terminal (so: no confirmation prompt,
 * as with a spawned process whose input is a pipe). Starting the binary costs 2–5 s of CPU here
 * (tsx loads ~1 000 modules); test files that run many commands run most of them this way and
 * keep real processes for the rest. Log lines go to this process's stderr and are not captured.
 */
export async function runBruckeInProcess(
  args: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<CliRun> {
  // Loaded on first use: a file that only spawns processes does not pay for the CLI's modules.
  const { runCli } = await import('../../gateway/cli/program.ts')
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, {
    env: cleanEnv(options.env),
    cwd: options.cwd ?? repoRoot,
    out: (line) => (stdout += `${line}\n`),
    err: (line) => (stderr += `${line}\n`),
  })
  return { code, stdout, stderr }
}

/** Starts `brucke serve` and resolves once its banner says it is running. */
export function startBruckeServe(options: {
  env: Record<string, string>
  cwd?: string
}): Promise<{ child: ChildProcess; output: () => string; stop: () => Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bruckeBin, 'serve'], {
      cwd: options.cwd ?? repoRoot,
      env: cleanEnv(options.env),
    })
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`brucke serve did not start:\n${output}`)),
      120_000,
    )
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('API token:')) {
        clearTimeout(timer)
        resolve({
          child,
          output: () => output,
          stop: () =>
            new Promise((done) => {
              child.once('close', (code) => done(code))
              child.kill('SIGTERM')
            }),
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.on('close', (code) => {
      clearTimeout(timer)
      reject(new Error(`brucke serve exited with ${code}:\n${output}`))
    })
  })
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
