import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { formatConfigProblems, loadConfig, type ConfigProblem } from '../config/load.ts'
import { configSchema, type ParsedConfig } from '../config/schema.ts'
import { writePrivateFile } from '../db/private-files.ts'

export interface Secrets {
  /** Derives the keys that protect private keys and pseudonyms at rest. */
  masterKey: Buffer
  /** Signs API bearer tokens (HS256). */
  tokenKey: Buffer
  /** The bearer token of `GET /api/v1/metrics`; absent: metrics are not served. */
  metricsToken?: string
}

export type Config = Omit<
  ParsedConfig,
  | 'masterKey'
  | 'masterKeyFile'
  | 'tokenKey'
  | 'tokenKeyFile'
  | 'metricsToken'
  | 'metricsTokenFile'
  | 'demo'
  | 'publicUrl'
  | 'databaseUrl'
> & {
  demo: boolean
  publicUrl: string
  databaseUrl: string
  dataDir: string
  secrets: Secrets
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(formatConfigProblems(problems))
    this.name = 'ConfigError'
  }
}

const minimumSecretBytes = 32

/**
 * Loads and resolves the whole runtime configuration. In the demo setup (no configuration file,
 * or `BRUCKE_DEMO=true`) missing secrets are generated once into the data directory and reused.
 * Throws {@link ConfigError} listing every problem by key.
 */
export function resolveConfig(env: Record<string, string | undefined>, cwd: string): Config {
  const loaded = loadConfig({ env, cwd })
  if (!loaded.ok) throw new ConfigError(loaded.problems)
  const parsed = loaded.config
  const demo = parsed.demo ?? loaded.configFile === undefined
  const dataDir = isAbsolute(parsed.dataDir) ? parsed.dataDir : resolve(cwd, parsed.dataDir)

  const problems: ConfigProblem[] = []
  const masterKey = resolveSecret({
    value: parsed.masterKey,
    file: parsed.masterKeyFile,
    envName: 'BRUCKE_MASTER_KEY',
    demoFile: 'master.key',
    demo,
    dataDir,
    cwd,
    problems,
  })
  const tokenKey = resolveSecret({
    value: parsed.tokenKey,
    file: parsed.tokenKeyFile,
    envName: 'BRUCKE_TOKEN_KEY',
    demoFile: 'token.key',
    demo,
    dataDir,
    cwd,
    problems,
  })
  const metricsToken = resolveMetricsToken(parsed, cwd, problems)
  problems.push(...hardwareKeyProblems(parsed))
  if (problems.length > 0 || !masterKey || !tokenKey) throw new ConfigError(problems)

  const {
    masterKey: _m,
    masterKeyFile: _mf,
    tokenKey: _t,
    tokenKeyFile: _tf,
    metricsToken: _mt,
    metricsTokenFile: _mtf,
    demo: _d,
    ...rest
  } = parsed
  return {
    ...rest,
    demo,
    dataDir,
    publicUrl: parsed.publicUrl ?? `http://localhost:${parsed.port}`,
    databaseUrl: parsed.databaseUrl ?? `file:${join(dataDir, 'brucke.db')}`,
    secrets: { masterKey, tokenKey, ...(metricsToken !== undefined ? { metricsToken } : {}) },
  }
}

/**
 * The metrics token from `METRICS_TOKEN` or the file `METRICS_TOKEN_FILE` names (checked like
 * the environment value). Optional even in production: without it `/api/v1/metrics` is off.
 */
function resolveMetricsToken(
  parsed: ParsedConfig,
  cwd: string,
  problems: ConfigProblem[],
): string | undefined {
  if (parsed.metricsToken !== undefined) return parsed.metricsToken
  if (parsed.metricsTokenFile === undefined) return undefined
  const path = resolve(cwd, parsed.metricsTokenFile)
  if (!existsSync(path)) {
    problems.push({
      key: 'METRICS_TOKEN_FILE',
      source: 'environment',
      message: `file ${path} does not exist`,
    })
    return undefined
  }
  const token = readFileSync(path, 'utf8').trim()
  const checked = configSchema.shape.metricsToken.safeParse(token)
  if (!checked.success || checked.data === undefined) {
    problems.push({
      key: 'METRICS_TOKEN_FILE',
      source: 'file',
      message: 'must hold at least 32 characters of A-Z a-z 0-9 . _ ~ + / -',
    })
    return undefined
  }
  return checked.data
}

interface SecretSource {
  value: string | undefined
  file: string | undefined
  envName: string
  demoFile: string
  demo: boolean
  dataDir: string
  cwd: string
  problems: ConfigProblem[]
}

function resolveSecret(source: SecretSource): Buffer | undefined {
  const { value, file, envName, problems } = source
  if (value !== undefined) return decodeSecret(value, envName, problems)
  if (file !== undefined) {
    const path = resolve(source.cwd, file)
    if (!existsSync(path)) {
      problems.push({
        key: `${envName}_FILE`,
        source: 'environment',
        message: `file ${path} does not exist`,
      })
      return undefined
    }
    return decodeSecret(readFileSync(path, 'utf8').trim(), `${envName}_FILE`, problems)
  }
  if (!source.demo) {
    problems.push({
      key: envName,
      source: 'default',
      message: `required: set ${envName} or ${envName}_FILE (at least ${minimumSecretBytes} random bytes, base64)`,
    })
    return undefined
  }
  const path = join(source.dataDir, source.demoFile)
  if (existsSync(path)) return decodeSecret(readFileSync(path, 'utf8').trim(), path, problems)
  const generated = randomBytes(minimumSecretBytes)
  writePrivateFile(path, `${generated.toString('base64')}\n`, { flag: 'wx' })
  return generated
}

function decodeSecret(text: string, key: string, problems: ConfigProblem[]): Buffer | undefined {
  const isHex = /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0
  const isBase64 = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
  const bytes = isHex
    ? Buffer.from(text, 'hex')
    : isBase64
      ? Buffer.from(text, 'base64')
      : undefined
  if (!bytes || bytes.length < minimumSecretBytes) {
    problems.push({
      key,
      source: key.includes('/') ? 'file' : 'environment',
      message: `must be at least ${minimumSecretBytes} bytes, given as base64 or hex`,
    })
    return undefined
  }
  return bytes
}

/**
 * Agency keys mapped to a token need the module and a PIN; said at start, not at the first
 * transfer. The PIN file's content is read when the token is opened (gateway/crypto/hardware-keys.ts).
 */
function hardwareKeyProblems(parsed: ParsedConfig): ConfigProblem[] {
  if (Object.keys(parsed.pkcs11AgencyKeys).length === 0) return []
  const problems: ConfigProblem[] = []
  if (parsed.pkcs11Module === undefined) {
    problems.push({
      key: 'PKCS11_MODULE',
      source: 'default',
      message: 'required when PKCS11_AGENCY_KEYS names agencies',
    })
  }
  if (parsed.pkcs11Pin === undefined && parsed.pkcs11PinFile === undefined) {
    problems.push({
      key: 'PKCS11_PIN_FILE',
      source: 'default',
      message: 'required (or PKCS11_PIN) when PKCS11_AGENCY_KEYS names agencies',
    })
  }
  return problems
}
