import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe } from 'vitest'

/** True when the tool answers `--version`. */
export function hasTool(name: string): boolean {
  // OpenSSL 3.0 takes `version`, poppler's tools (pdfsig, pdftotext) `-v`, GnuPG `--version`.
  const probe = name === 'openssl' ? ['version'] : name.startsWith('pdf') ? ['-v'] : ['--version']
  const result = spawnSync(name, probe, { stdio: 'ignore' })
  return result.status === 0
}

/**
 * `describe` for interop tests that need external tools. In CI (CI=true) a missing tool is a
 * failure, loudly; elsewhere the suite is skipped with a notice, so a laptop without gpgsm
 * still runs the rest.
 */
export function describeWithTools(tools: string[], name: string, body: () => void): void {
  const missing = tools.filter((tool) => !hasTool(tool))
  if (missing.length === 0) {
    describe(name, body)
    return
  }
  if (process.env.CI === 'true') {
    throw new Error(`interop tools missing in CI: ${missing.join(', ')} — install them`)
  }
  console.warn(`[interop] skipping "${name}": ${missing.join(', ')} not installed`)
  describe.skip(name, body)
}

export interface RunResult {
  code: number | null
  stdout: Buffer
  stderr: string
}

/** Runs a command without a shell; resolves with exit code and output (never rejects on exit code). */
export function run(
  command: string,
  args: string[],
  options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.on('error', reject)
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString() }),
    )
    // A tool that never reads stdin closes it early; that is not an error of the test.
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input ?? '')
  })
}

/** Runs a command and throws with its stderr when it fails. */
export async function runOk(
  command: string,
  args: string[],
  options: { input?: Uint8Array | string; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  const result = await run(command, args, options)
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${String(result.code)}:\n${result.stderr}`)
  }
  return result
}

/** A fresh private temp directory; remove it with the returned function. */
export async function makeTempDir(
  prefix: string,
): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `brucke-${prefix}-`))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}
