/**
 * `npm run demo:federation` (issue 16, point 9): two Brücke instances on one machine, each with
 * its own database, keys and demo CA — A hosting `jc-demo` and `aa-demo`, B hosting `ja-demo` —
 * with their partner cards exchanged, so a transfer from A's Jobcenter lands verified in B's
 * inbox. Prints both URLs and logins, and stops both instances on Ctrl-C.
 *
 * The same start is used by the two-process integration test (tests/integration/federation-
 * processes.test.ts), with free ports and, for PostgreSQL, a database URL per instance.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const repoRoot = fileURLToPath(new URL('../', import.meta.url))
const bruckeBin = join(repoRoot, 'bin', 'brucke.js')

export interface InstancePlan {
  name: string
  /** Demo agencies this instance hosts (`BRUCKE_DEMO_AGENCIES`). */
  hosts: string[]
  dataDir: string
  httpPort: number
  ingressPort: number
  inboundPort: number
  /** Extra settings, e.g. `DATABASE_URL` of the instance's own PostgreSQL database. */
  env?: Record<string, string>
}

export interface RunningInstance {
  plan: InstancePlan
  url: string
  env: Record<string, string>
  child: ChildProcess
  output(): string
  /** The demo accounts' generated passwords, by account id. */
  passwords: Record<string, string>
  stop(): Promise<void>
}

/** Settings Brücke reads, removed from the parent's environment so each instance has only its own. */
const bruckeSetting = /^(BRUCKE_|DATABASE_URL|SMTP_|INBOUND_SMTP_|PORT$|HOST$|PUBLIC_URL|CRL_)/

function instanceEnv(plan: InstancePlan): Record<string, string> {
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !bruckeSetting.test(key)) base[key] = value
  return {
    ...base,
    PORT: String(plan.httpPort),
    BRUCKE_DATA_DIR: plan.dataDir,
    BRUCKE_DEMO_AGENCIES: plan.hosts.join(','),
    SMTP_INGRESS_PORT: String(plan.ingressPort),
    INBOUND_SMTP_PORT: String(plan.inboundPort),
    COOKIE_SECURE: 'false',
    ...plan.env,
  }
}

function runCli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bruckeBin, ...args], { cwd: repoRoot, env })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', fail)
    child.on('close', (code) =>
      code === 0
        ? done(output)
        : fail(new Error(`brucke ${args.join(' ')} exited with ${code}:\n${output}`)),
    )
  })
}

function readPasswords(dataDir: string): Record<string, string> {
  const text = readFileSync(join(dataDir, 'demo-credentials.txt'), 'utf8')
  return Object.fromEntries(
    [...text.matchAll(/^(demo-[a-z]+)\s+\S+\s+(\S+)$/gm)].map((m) => [m[1]!, m[2]!]),
  )
}

/** Starts `brucke serve` for one instance and resolves once its banner says it runs. */
function startInstance(plan: InstancePlan): Promise<RunningInstance> {
  mkdirSync(plan.dataDir, { recursive: true })
  const env = instanceEnv(plan)
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bruckeBin, 'serve'], { cwd: repoRoot, env })
    let output = ''
    const timer = setTimeout(
      () => fail(new Error(`instance ${plan.name} did not start:\n${output}`)),
      120_000,
    )
    const onExit = (code: number | null) => {
      clearTimeout(timer)
      fail(new Error(`instance ${plan.name} exited with ${code}:\n${output}`))
    }
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (!output.includes('API token:')) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      child.off('close', onExit)
      child.stdout?.on('data', (more: Buffer) => (output += more.toString()))
      done({
        plan,
        url: `http://127.0.0.1:${plan.httpPort}`,
        env,
        child,
        output: () => output,
        passwords: readPasswords(plan.dataDir),
        stop: () =>
          new Promise<void>((stopped) => {
            if (child.exitCode !== null) return stopped()
            child.once('close', () => stopped())
            child.kill('SIGTERM')
          }),
      })
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('close', onExit)
  })
}

/**
 * Each hosted agency of `from` exports its signed card (naming `from`'s inbound listener) and
 * `to` imports it as a partner.
 */
async function exchangeCards(from: RunningInstance, to: RunningInstance): Promise<void> {
  for (const agency of from.plan.hosts) {
    const file = join(from.plan.dataDir, `${agency}.card.json`)
    await runCli(
      [
        'agency',
        'card',
        '--agency',
        agency,
        '--out',
        file,
        '--inbound',
        `smtp://127.0.0.1:${from.plan.inboundPort}`,
      ],
      from.env,
    )
    await runCli(['agency', 'import-card', file, '--yes'], to.env)
  }
}

export interface Federation {
  a: RunningInstance
  b: RunningInstance
  stop(): Promise<void>
}

/** Starts A and B, then exchanges their cards both ways. */
export async function startFederation(plans: {
  a: InstancePlan
  b: InstancePlan
}): Promise<Federation> {
  const a = await startInstance(plans.a)
  let b: RunningInstance | undefined
  try {
    b = await startInstance(plans.b)
    await exchangeCards(a, b)
    await exchangeCards(b, a)
  } catch (error) {
    await Promise.all([a.stop(), b?.stop()])
    throw error
  }
  const started = b
  return { a, b: started, stop: async () => void (await Promise.all([a.stop(), started.stop()])) }
}

function printInstance(instance: RunningInstance): void {
  const { plan } = instance
  console.log(`\nInstance ${plan.name} — hosts ${plan.hosts.join(', ')} — data in ${plan.dataDir}`)
  const kiosk = plan.hosts.includes('jc-demo') ? ['/kiosk'] : []
  for (const path of ['/login', '/staff', ...kiosk, '/dpo', '/admin'])
    console.log(`  ${instance.url}${path}`)
  console.log(`  partner inbound  smtp://127.0.0.1:${plan.inboundPort}`)
  for (const [account, password] of Object.entries(instance.passwords))
    console.log(`  ${account.padEnd(12)} ${password}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = resolve(process.env['BRUCKE_FEDERATION_DIR'] ?? join(repoRoot, 'data', 'federation'))
  const federation = await startFederation({
    a: {
      name: 'A',
      hosts: ['jc-demo', 'aa-demo'],
      dataDir: join(root, 'a'),
      httpPort: 8080,
      ingressPort: 2525,
      inboundPort: 2526,
    },
    b: {
      name: 'B',
      hosts: ['ja-demo'],
      dataDir: join(root, 'b'),
      httpPort: 8081,
      ingressPort: 2535,
      inboundPort: 2536,
    },
  })
  console.log('Brücke federation demo: two instances, cards exchanged.')
  printInstance(federation.a)
  printInstance(federation.b)
  console.log(
    "\nA transfer from jc-demo (A) to ja-demo lands in B's inbox: log in to B as demo-ja. Ctrl-C stops both.",
  )
  const stop = () => void federation.stop().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
