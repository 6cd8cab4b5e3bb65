import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findAgency } from '../../db/account-repository.ts'
import { findAgencyFederation } from '../../db/federation-repository.ts'
import { runCli } from '../../gateway/cli/program.ts'
import { demoAgencies } from '../../gateway/demo-setup.ts'
import { repoRoot, runBrucke, runBruckeInProcess } from '../support/cli.ts'
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases.ts'
import { createGatewayPki, hostAgency, type GatewayPki } from '../support/federation-pki.ts'
import { depsOnDatabase } from '../support/test-deps.ts'
import { TestClock } from '../support/test-clock.ts'

const jobcenter = demoAgencies.find((agency) => agency.id === 'jc-demo')!
const jugendamt = demoAgencies.find((agency) => agency.id === 'ja-demo')!

/** One gateway as the CLI sees it: its database, data directory and secrets. */
interface Gateway {
  database: TestDatabase
  env: Record<string, string>
}

async function startGateway(
  dialect: 'sqlite' | 'postgres',
  name: string,
  host: { agency: (typeof demoAgencies)[number]; pki: GatewayPki },
): Promise<Gateway> {
  const database = await createTestDatabase(dialect)
  const masterKey = Buffer.alloc(32, name === 'a' ? 7 : 8)
  const tokenKey = Buffer.alloc(32, 9)
  // The CLI runs on the system clock; the setup uses the same instant.
  const { deps } = depsOnDatabase(database.database, {
    clock: new TestClock(new Date()),
    config: { databaseUrl: database.url, secrets: { masterKey, tokenKey } },
  })
  await hostAgency(deps, host.agency, host.pki)
  return {
    database,
    env: {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: masterKey.toString('base64'),
      BRUCKE_TOKEN_KEY: tokenKey.toString('base64'),
      DATABASE_URL: database.url,
      BRUCKE_DATA_DIR: mkdtempSync(join(tmpdir(), `brucke-card-cli-${name}-`)),
      INBOUND_SMTP_PUBLIC_URL: `smtp://gateway-${name}.example:2526`,
    },
  }
}

describe.each(dialects)('partner card CLI against %s', (dialect) => {
  let a: Gateway
  let b: Gateway
  let pkiA: GatewayPki
  let pkiB: GatewayPki
  let work: string
  let cardFile: string

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'brucke-card-files-'))
    cardFile = join(work, 'ja-demo.card.json')
    pkiA = await createGatewayPki('cli-a', new Date())
    pkiB = await createGatewayPki('cli-b', new Date())
    a = await startGateway(dialect, 'a', { agency: jobcenter, pki: pkiA })
    b = await startGateway(dialect, 'b', { agency: jugendamt, pki: pkiB })
  }, 120_000)
  afterAll(async () => {
    await pkiA.close()
    await pkiB.close()
    await a.database.drop()
    await b.database.drop()
  })

  it('when B exports its card, then the file is written with the configured inbound address and the fingerprint is printed', async () => {
    // The binary itself, as an operator starts it; the file's other commands run in this process
    // (runBruckeInProcess: the same code minus main.ts) because each start costs seconds.
    const run = await runBrucke(['agency', 'card', '--agency', 'ja-demo', '--out', cardFile], {
      env: b.env,
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const written = JSON.parse(readFileSync(cardFile, 'utf8')) as {
      card: { inboundSmtp: string; crlUrl: string }
    }
    expect(written.card.inboundSmtp).toBe('smtp://gateway-b.example:2526')
    expect(written.card.crlUrl).toBe(pkiB.crlUrl)
    expect(run.stdout).toMatch(/SHA-256 of the card: [0-9a-f]{64}/)
  }, 300_000)

  it('when the card is imported without --yes and without a terminal, then the fingerprints are shown, nothing is written and the exit code is not 0', async () => {
    const run = await runBruckeInProcess(['agency', 'import-card', cardFile], { env: a.env })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/SHA-256 of the card: [0-9a-f]{64}/)
    expect(run.stdout).toMatch(/SHA-256 of certificate 1 \(current\): [0-9a-f]{64}/)
    expect(run.stdout).toMatch(/SHA-256 of the root CA: [0-9a-f]{64}/)
    expect(run.stderr).toContain('--yes')
    expect(await findAgencyFederation(a.database.database.db, 'ja-demo')).toBeUndefined()
  }, 300_000)

  it('when the operator answers no at the terminal, then nothing is imported', async () => {
    const out: string[] = []
    const err: string[] = []
    const questions: string[] = []
    const code = await runCli(['agency', 'import-card', cardFile], {
      env: a.env,
      cwd: repoRoot,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      confirm: (question) => {
        questions.push(question)
        return Promise.resolve(false)
      },
    })
    expect(code).toBe(1)
    expect(questions).toHaveLength(1)
    expect(out.join('\n')).toMatch(/SHA-256 of the card/)
    expect(await findAgencyFederation(a.database.database.db, 'ja-demo')).toBeUndefined()
  }, 300_000)

  it('when the card is imported with --yes, then A knows the Jugendamt as a partner; the same card again is refused', async () => {
    const run = await runBruckeInProcess(['agency', 'import-card', cardFile, '--yes'], {
      env: a.env,
    })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('Imported ja-demo as a partner agency')
    expect(await findAgencyFederation(a.database.database.db, 'ja-demo')).toMatchObject({
      hosted: false,
      inboundSmtp: 'smtp://gateway-b.example:2526',
    })
    const again = await runBruckeInProcess(['agency', 'import-card', cardFile, '--yes'], {
      env: a.env,
    })
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('not newer')
  }, 300_000)

  it('when a card is tampered with, malformed, missing or for an agency hosted here, then the CLI says why and exits 1', async () => {
    const card = JSON.parse(readFileSync(cardFile, 'utf8')) as {
      card: { name?: string; agency: { name: string } }
    }
    card.card.agency.name = 'Jugendamt Anders'
    const tampered = join(work, 'tampered.json')
    writeFileSync(tampered, JSON.stringify(card))
    const broken = join(work, 'broken.json')
    writeFileSync(broken, '{"card": 1')
    const own = join(work, 'own.json')
    expect(
      (
        await runBruckeInProcess(['agency', 'card', '--agency', 'jc-demo', '--out', own], {
          env: a.env,
        })
      ).code,
    ).toBe(0)
    // Into B, except A's own card, which goes back into A where the Jobcenter is hosted.
    const cases: [string, string, Record<string, string>][] = [
      [tampered, 'bad signature', b.env],
      [broken, 'not JSON', b.env],
      [join(work, 'missing.json'), 'cannot read the card file', b.env],
      [own, 'hosted here', a.env],
    ]
    for (const [file, message, env] of cases) {
      const run = await runBruckeInProcess(['agency', 'import-card', file, '--yes'], { env })
      expect(run.code, file).toBe(1)
      expect(run.stderr, file).toContain(message)
    }
    expect(await findAgencyFederation(b.database.database.db, 'jc-demo')).toBeUndefined()
  }, 300_000)

  it('when a card is asked for an agency that is not hosted here, then the CLI refuses clearly', async () => {
    const partner = await runBruckeInProcess(
      ['agency', 'card', '--agency', 'ja-demo', '--out', join(work, 'x.json')],
      { env: a.env },
    )
    expect(partner.code).toBe(1)
    expect(partner.stderr).toContain('not hosted here')
    const unknown = await runBruckeInProcess(
      ['agency', 'card', '--agency', 'xx-none', '--out', join(work, 'y.json')],
      { env: a.env },
    )
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No agency xx-none')
  }, 300_000)

  it('when set-profile is run, then the profile changes; an unknown profile is refused', async () => {
    const run = await runBruckeInProcess(
      ['agency', 'set-profile', '--agency', 'ja-demo', '--profile', 'modern'],
      { env: a.env },
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('is now modern')
    expect((await findAgency(a.database.database.db, 'ja-demo'))?.smimeProfile).toBe('modern')
    const bad = await runBruckeInProcess(
      ['agency', 'set-profile', '--agency', 'ja-demo', '--profile', 'fancy'],
      { env: a.env },
    )
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('modern or compatible')
  }, 300_000)
})
