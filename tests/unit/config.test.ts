import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../config/load.ts'
import { environmentNames, type ConfigKey } from '../../config/schema.ts'
import { ConfigError, resolveConfig } from '../../gateway/runtime-config.ts'

const secret = Buffer.alloc(32, 7).toString('base64')

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'brucke-config-'))
}

describe('configuration', () => {
  it('when nothing is set, then the defaults of docs/design.md §6 apply', () => {
    const result = loadConfig({ env: {}, cwd: tempDir() })
    expect(result).toMatchObject({
      ok: true,
      config: { port: 8080, consentMaxMonths: 12, guardianAge: 18 },
    })
  })

  it('when nothing is set, then the parsed configuration holds every setting but the truly optional ones', () => {
    const result = loadConfig({ env: {}, cwd: tempDir() })
    if (!result.ok) throw new Error('defaults must load')
    const unset = Object.keys(environmentNames).filter(
      (key) => result.config[key as ConfigKey] === undefined,
    )
    // Absent means something here: no file, no relay, derived at start (publicUrl from the port,
    // databaseUrl from the data directory, demo from whether a file is configured).
    expect(unset.sort()).toEqual(
      [
        'publicUrl',
        'databaseUrl',
        'smtpUrl',
        'smtpIngressTlsCertFile',
        'smtpIngressTlsKeyFile',
        'inboundSmtpPublicUrl',
        'demoAgencies',
        'demo',
        'masterKey',
        'masterKeyFile',
        'tokenKey',
        'tokenKeyFile',
        'relayPkiDir',
        // No metrics token: /api/v1/metrics is off.
        'metricsToken',
        'metricsTokenFile',
        // Keys in hardware: no token unless configured.
        'pkcs11Module',
        'pkcs11TokenLabel',
        'pkcs11Pin',
        'pkcs11PinFile',
      ].sort(),
    )
    expect(result.config).toMatchObject({
      relayRetryHorizonMinutes: 1440,
      relayPollMs: 1000,
      relayLeaseSeconds: 30,
      relayHeartbeatSeconds: 10,
      relayBackoffCapSeconds: 30,
      auditRetentionDays: 1095,
      consentRetentionDays: 1095,
      auditCheckpointIntervalSeconds: 300,
      kioskIdleSeconds: 120,
      majorityGraceDays: 90,
      pkcs11AgencyKeys: {},
    })
  })

  it('when PKCS11_AGENCY_KEYS maps agencies to labels, then it is read as a mapping; a pair without "=" is a problem naming the key', () => {
    const dir = tempDir()
    const parsed = loadConfig({
      env: { PKCS11_AGENCY_KEYS: ' jc-demo=jc-sign-2026 , ja-demo = ja-sign ' },
      cwd: dir,
    })
    expect(parsed).toMatchObject({
      ok: true,
      config: { pkcs11AgencyKeys: { 'jc-demo': 'jc-sign-2026', 'ja-demo': 'ja-sign' } },
    })
    const broken = loadConfig({ env: { PKCS11_AGENCY_KEYS: 'jc-demo=a,ja-demo' }, cwd: dir })
    expect(broken).toMatchObject({
      ok: false,
      problems: [
        {
          key: 'PKCS11_AGENCY_KEYS',
          message: expect.stringContaining('"ja-demo" is not agency=label'),
        },
      ],
    })
  })

  it('when agency keys are mapped to a token without module or PIN, then start-up stops naming both', () => {
    const env = {
      BRUCKE_DEMO: 'false',
      BRUCKE_MASTER_KEY: secret,
      BRUCKE_TOKEN_KEY: secret,
      PKCS11_AGENCY_KEYS: 'jc-demo=jc-sign',
    }
    expect(() => resolveConfig(env, tempDir())).toThrow(ConfigError)
    try {
      resolveConfig(env, tempDir())
    } catch (error) {
      expect((error as ConfigError).problems.map((problem) => problem.key)).toEqual([
        'PKCS11_MODULE',
        'PKCS11_PIN_FILE',
      ])
    }
    const complete = resolveConfig(
      { ...env, PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so', PKCS11_PIN_FILE: '/run/pin' },
      tempDir(),
    )
    expect(complete.pkcs11AgencyKeys).toEqual({ 'jc-demo': 'jc-sign' })
  })

  it('when the file and the environment both set a key, then the environment wins', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'brucke.json'), JSON.stringify({ port: 9000, guardianAge: 16 }))
    const result = loadConfig({ env: { BRUCKE_CONFIG: 'brucke.json', PORT: '9100' }, cwd: dir })
    expect(result).toMatchObject({ ok: true, config: { port: 9100, guardianAge: 16 } })
  })

  it('when config/brucke.config.json exists, then it is read without BRUCKE_CONFIG', () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'config'))
    writeFileSync(
      join(dir, 'config', 'brucke.config.json'),
      JSON.stringify({ consentMaxMonths: 6 }),
    )
    expect(loadConfig({ env: {}, cwd: dir })).toMatchObject({
      ok: true,
      config: { consentMaxMonths: 6 },
    })
  })

  it('when an environment value is invalid, then the problem names the variable', () => {
    const result = loadConfig({
      env: { PORT: 'eighty', DATABASE_URL: 'mysql://x' },
      cwd: tempDir(),
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => [p.key, p.source])).toEqual(
      expect.arrayContaining([
        ['PORT', 'environment'],
        ['DATABASE_URL', 'environment'],
      ]),
    )
  })

  it('when SMTP_INGRESS_PORT is off, a number or garbage, then it is off, that port, or a problem naming it', () => {
    const dir = tempDir()
    expect(loadConfig({ env: { SMTP_INGRESS_PORT: 'off' }, cwd: dir })).toMatchObject({
      ok: true,
      config: { smtpIngressPort: 'off' },
    })
    expect(loadConfig({ env: { SMTP_INGRESS_PORT: '2626' }, cwd: dir })).toMatchObject({
      ok: true,
      config: { smtpIngressPort: 2626 },
    })
    expect(loadConfig({ env: {}, cwd: dir })).toMatchObject({ config: { smtpIngressPort: 2525 } })
    const bad = loadConfig({ env: { SMTP_INGRESS_PORT: 'disabled' }, cwd: dir })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.problems.map((p) => p.key)).toContain('SMTP_INGRESS_PORT')
  })

  it('when the e-mail notice is turned on, then it needs SMTP_URL, and it is off by default with lapsing notices 14 days ahead', () => {
    const dir = tempDir()
    expect(loadConfig({ env: {}, cwd: dir })).toMatchObject({
      config: { notifyEmail: false, notifyLapsingDays: 14 },
    })
    const bad = loadConfig({ env: { NOTIFY_EMAIL: 'true' }, cwd: dir })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.problems.map((p) => p.key)).toContain('NOTIFY_EMAIL')
    expect(
      loadConfig({
        env: { NOTIFY_EMAIL: 'true', SMTP_URL: 'smtp://mail.example:25', NOTIFY_LAPSING_DAYS: '7' },
        cwd: dir,
      }),
    ).toMatchObject({ ok: true, config: { notifyEmail: true, notifyLapsingDays: 7 } })
  })

  it('when the file has an unknown key or is not JSON, then the problem says so', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ prot: 1 }))
    writeFileSync(join(dir, 'b.json'), '{ port: ')
    const unknown = loadConfig({ env: { BRUCKE_CONFIG: 'a.json' }, cwd: dir })
    const broken = loadConfig({ env: { BRUCKE_CONFIG: 'b.json' }, cwd: dir })
    expect(unknown).toMatchObject({ ok: false, problems: [{ key: 'prot', source: 'file' }] })
    expect(broken).toMatchObject({ ok: false, problems: [{ source: 'file' }] })
  })

  it('when not in demo mode and no master key is given, then start-up stops naming BRUCKE_MASTER_KEY', () => {
    const dir = tempDir()
    try {
      resolveConfig({ BRUCKE_DEMO: 'false', BRUCKE_TOKEN_KEY: secret }, dir)
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError)
      expect((error as ConfigError).problems).toEqual([
        expect.objectContaining({ key: 'BRUCKE_MASTER_KEY' }),
      ])
      expect((error as ConfigError).message).toContain('BRUCKE_MASTER_KEY')
    }
  })

  it('when a secret is too short, then it is refused', () => {
    expect(() =>
      resolveConfig(
        { BRUCKE_DEMO: 'false', BRUCKE_MASTER_KEY: 'c2hvcnQ=', BRUCKE_TOKEN_KEY: secret },
        tempDir(),
      ),
    ).toThrow(/BRUCKE_MASTER_KEY.*at least 32 bytes/)
  })

  it('when a secret comes from a file, then the file is read', () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'master'), Buffer.alloc(32, 9).toString('hex'))
    const config = resolveConfig(
      {
        BRUCKE_DEMO: 'false',
        BRUCKE_MASTER_KEY_FILE: join(dir, 'master'),
        BRUCKE_TOKEN_KEY: secret,
      },
      dir,
    )
    expect(config.secrets.masterKey.equals(Buffer.alloc(32, 9))).toBe(true)
  })

  it('when a metrics token is set, from the environment or a file, then it is kept; unset, none', () => {
    const dir = tempDir()
    const base = { BRUCKE_DEMO: 'false', BRUCKE_MASTER_KEY: secret, BRUCKE_TOKEN_KEY: secret }
    const token = Buffer.alloc(32, 3).toString('base64url')
    expect(resolveConfig(base, dir).secrets.metricsToken).toBeUndefined()
    expect(resolveConfig({ ...base, METRICS_TOKEN: token }, dir).secrets.metricsToken).toBe(token)
    writeFileSync(join(dir, 'metrics.token'), `${token}\n`)
    const fromFile = resolveConfig({ ...base, METRICS_TOKEN_FILE: join(dir, 'metrics.token') }, dir)
    expect(fromFile.secrets.metricsToken).toBe(token)
  })

  it('when a metrics token is short or its file missing or bad, then start-up names the variable', () => {
    const dir = tempDir()
    const base = { BRUCKE_DEMO: 'false', BRUCKE_MASTER_KEY: secret, BRUCKE_TOKEN_KEY: secret }
    const problemsOf = (env: Record<string, string>) => {
      try {
        resolveConfig({ ...base, ...env }, dir)
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map((p) => p.key)
        throw error
      }
      return []
    }
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toEqual(['METRICS_TOKEN'])
    expect(problemsOf({ METRICS_TOKEN_FILE: join(dir, 'absent') })).toEqual(['METRICS_TOKEN_FILE'])
    writeFileSync(join(dir, 'bad.token'), 'not a token: spaces and "quotes" here, long enough')
    expect(problemsOf({ METRICS_TOKEN_FILE: join(dir, 'bad.token') })).toEqual([
      'METRICS_TOKEN_FILE',
    ])
  })

  it('when the demo starts for the first time, then secrets are generated under the data dir and reused later', () => {
    const dir = tempDir()
    const first = resolveConfig({}, dir)
    const second = resolveConfig({}, dir)
    expect(first.demo).toBe(true)
    expect(first.databaseUrl).toBe(`file:${join(dir, 'data', 'brucke.db')}`)
    expect(second.secrets.masterKey.equals(first.secrets.masterKey)).toBe(true)
    expect(second.secrets.tokenKey.equals(first.secrets.tokenKey)).toBe(true)
    expect(first.secrets.masterKey.equals(first.secrets.tokenKey)).toBe(false)
    expect(statSync(join(dir, 'data', 'master.key')).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, 'data', 'master.key'), 'utf8').trim()).toBe(
      first.secrets.masterKey.toString('base64'),
    )
  })

  it('when a key exists, then the operator guide documents it with its environment name', () => {
    const guide = readFileSync(new URL('../../docs/operator-guide.md', import.meta.url), 'utf8')
    const rows = guide.split('\n').filter((line) => line.startsWith('| '))
    // A key's own row, or (secrets) a row naming the variable and its _FILE twin.
    const documented = (key: string, env: string) =>
      rows.some((row) => row.startsWith(`| \`${key}\` | \`${env}\` |`)) ||
      rows.some((row) => row.startsWith('| — |') && row.includes(`\`${env}\``))
    const missing = Object.entries(environmentNames).filter(([key, env]) => !documented(key, env))
    expect(missing).toEqual([])
  })
})
