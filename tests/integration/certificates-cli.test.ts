import { execFile } from 'node:child_process'
import { mkdtempSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBrucke, runBruckeInProcess } from '../support/cli.ts'
import { createTestDatabase, dialects } from '../support/databases.ts'
import type { TestDatabase } from '../support/databases.ts'

const secret = (byte: number) => Buffer.alloc(32, byte).toString('base64')

function openssl(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('openssl', args, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
      resolve({ code, output: `${stdout}${stderr}` })
    })
  })
}

describe.each(dialects)('certificate CLI against %s', (dialect) => {
  let database: TestDatabase
  let env: Record<string, string>
  let work: string
  let pkiDir: string

  beforeAll(async () => {
    database = await createTestDatabase(dialect, { migrate: false })
    work = mkdtempSync(join(tmpdir(), 'brucke-cert-cli-'))
    pkiDir = join(work, 'pki')
    env = {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: secret(5),
      BRUCKE_TOKEN_KEY: secret(6),
      DATABASE_URL: database.url,
      BRUCKE_DATA_DIR: join(work, 'data'),
    }
    for (const [id, kind, mailbox] of [
      ['jc-demo', 'jobcenter', 'u25@jc-demo.example'],
      ['ja-demo', 'jugendamt', 'jugendhilfe@ja-demo.example'],
    ] as const) {
      // The binary itself, as an operator starts it; the file's other commands run in this process
      // (runBruckeInProcess: the same code minus main.ts) because each start costs seconds.
      const added = await runBrucke(
        ['agency', 'add', '--id', id, '--name', id, '--kind', kind, '--mailbox', mailbox]
          // With its Art. 13 information, else the CLI notes on stderr that consents need it.
          .concat(['--controller', `${id}, Weg 1, 12345 Demo-Stadt`, '--dpo-contact'])
          .concat([`dsb@${id}.example`, '--supervisory-authority', 'Aufsicht Demo-Land']),
        { env },
      )
      expect(added.stderr).toBe('')
    }
  })
  afterAll(async () => database.drop())

  it('when the demo PKI is written, then openssl accepts its certificates, CRL and PKCS#12 files and the keys are private', async () => {
    const run = await runBruckeInProcess(['pki', 'demo', '--out', pkiDir], { env })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('brucke-demo')
    const ca = join(pkiDir, 'ca.pem')
    const crl = join(pkiDir, 'ca.crl.pem')
    for (const agency of ['jc-demo', 'aa-demo', 'ja-demo']) {
      const verify = await openssl([
        'verify',
        '-CAfile',
        ca,
        '-crl_check',
        '-CRLfile',
        crl,
        '-purpose',
        'smimeencrypt',
        join(pkiDir, `${agency}.cert.pem`),
      ])
      expect(verify.output).toContain(': OK')
      const p12 = await openssl([
        'pkcs12',
        '-in',
        join(pkiDir, `${agency}.p12`),
        '-nokeys',
        '-passin',
        'pass:brucke-demo',
      ])
      expect(p12.code).toBe(0)
      expect(p12.output).toContain('BEGIN CERTIFICATE')
      expect(statSync(join(pkiDir, `${agency}.key.pem`)).mode & 0o777).toBe(0o600)
    }
  }, 120_000)

  it('when the CA is trusted and the certificates imported, then cert list shows them with expiry', async () => {
    const trust = await runBruckeInProcess(
      ['cert', 'trust', '--file', join(pkiDir, 'ca.pem'), '--crl-file', join(pkiDir, 'ca.crl.pem')],
      { env },
    )
    expect(trust.stderr).toBe('')
    expect(trust.stdout).toContain('Brücke Demo CA')

    const pem = await runBruckeInProcess(
      [
        'cert',
        'import',
        '--agency',
        'jc-demo',
        '--file',
        join(pkiDir, 'jc-demo.cert.pem'),
        '--key',
        join(pkiDir, 'jc-demo.key.pem'),
      ],
      { env },
    )
    expect(pem.stderr).toBe('')
    expect(pem.stdout).toContain('with key')

    const passphraseFile = join(work, 'passphrase.txt')
    writeFileSync(passphraseFile, 'brucke-demo\n')
    const p12 = await runBruckeInProcess(
      [
        'cert',
        'import',
        '--agency',
        'ja-demo',
        '--p12',
        join(pkiDir, 'ja-demo.p12'),
        '--passphrase-file',
        passphraseFile,
      ],
      { env },
    )
    expect(p12.stderr).toBe('')
    expect(p12.code).toBe(0)

    const list = await runBruckeInProcess(['cert', 'list', '--json'], { env })
    const entries = JSON.parse(list.stdout) as {
      agencyId: string
      daysLeft: number
      hasKey: boolean
      status: string
    }[]
    expect(entries.map((entry) => entry.agencyId).sort()).toEqual(['ja-demo', 'jc-demo'])
    for (const entry of entries) {
      expect(entry).toMatchObject({ status: 'active', hasKey: true })
      expect(entry.daysLeft).toBeGreaterThan(700)
    }
    const text = await runBruckeInProcess(['cert', 'list'], { env })
    expect(text.stdout).toMatch(/jc-demo\s+active\s+\d{4}-\d{2}-\d{2}\s+\d+ days left/)
  }, 120_000)

  it('when a certificate does not fit, then the import stops with its error code and no stack trace', async () => {
    const wrongMailbox = await runBruckeInProcess(
      ['cert', 'import', '--agency', 'ja-demo', '--file', join(pkiDir, 'aa-demo.cert.pem')],
      { env },
    )
    expect(wrongMailbox.code).toBe(1)
    expect(wrongMailbox.stderr).toContain('ERR_CERT_EMAIL_MISMATCH')
    expect(wrongMailbox.stderr).not.toMatch(/\n\s+at /)

    const wrongPassphrase = join(work, 'wrong.txt')
    writeFileSync(wrongPassphrase, 'nope')
    const badP12 = await runBruckeInProcess(
      [
        'cert',
        'import',
        '--agency',
        'ja-demo',
        '--p12',
        join(pkiDir, 'ja-demo.p12'),
        '--passphrase-file',
        wrongPassphrase,
      ],
      { env },
    )
    expect(badP12.code).toBe(1)
    expect(badP12.stderr).toContain('ERR_KEY_WRONG_PASSPHRASE')

    const missing = await runBruckeInProcess(
      ['cert', 'import', '--agency', 'ja-demo', '--file', join(work, 'nothing.pem')],
      { env },
    )
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('cannot read the certificate file')
  }, 120_000)
})
