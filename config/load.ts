import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { z } from 'zod'
import { configSchema, environmentNames, type ConfigKey, type ParsedConfig } from './schema.ts'

export interface ConfigProblem {
  /** The key as the operator wrote it: the environment variable or the file key. */
  key: string
  source: 'environment' | 'file' | 'default'
  message: string
}

export type ConfigLoadResult =
  | { ok: true; config: ParsedConfig; configFile: string | undefined }
  | { ok: false; problems: ConfigProblem[] }

export interface LoadConfigInput {
  env: Record<string, string | undefined>
  cwd: string
}

const defaultConfigFile = 'config/brucke.config.json'

/**
 * Reads the optional JSON file (`BRUCKE_CONFIG`, else `config/brucke.config.json` if present)
 * and overlays the environment. Never throws: every problem is returned naming its key.
 */
export function loadConfig({ env, cwd }: LoadConfigInput): ConfigLoadResult {
  const explicitFile = env.BRUCKE_CONFIG
  const configFile = explicitFile
    ? resolve(cwd, explicitFile)
    : existsSync(resolve(cwd, defaultConfigFile))
      ? resolve(cwd, defaultConfigFile)
      : undefined

  let fileValues: Record<string, unknown> = {}
  if (configFile) {
    if (!existsSync(configFile)) {
      return {
        ok: false,
        problems: [
          {
            key: 'BRUCKE_CONFIG',
            source: 'environment',
            message: `file ${configFile} does not exist`,
          },
        ],
      }
    }
    try {
      const parsed: unknown = JSON.parse(readFileSync(configFile, 'utf8'))
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return {
          ok: false,
          problems: [{ key: configFile, source: 'file', message: 'must contain a JSON object' }],
        }
      }
      fileValues = parsed as Record<string, unknown>
    } catch (error) {
      return {
        ok: false,
        problems: [
          {
            key: configFile,
            source: 'file',
            message: `is not valid JSON (${(error as Error).message})`,
          },
        ],
      }
    }
  }

  const raw: Record<string, unknown> = { ...fileValues }
  const fromEnv = new Set<string>()
  for (const [key, envName] of Object.entries(environmentNames)) {
    const value = env[envName]
    if (value !== undefined && value !== '') {
      raw[key] = value
      fromEnv.add(key)
    }
  }

  const result = configSchema.safeParse(raw)
  if (!result.success) {
    return { ok: false, problems: describeIssues(result.error.issues, fromEnv, fileValues) }
  }
  return { ok: true, config: result.data, configFile }
}

function describeIssues(
  issues: z.core.$ZodIssue[],
  fromEnv: Set<string>,
  fileValues: Record<string, unknown>,
): ConfigProblem[] {
  return issues.map((issue) => {
    const first = issue.path[0]
    if (issue.code === 'unrecognized_keys') {
      return {
        key: issue.keys.join(', '),
        source: 'file',
        message: 'unknown configuration key(s) in the file',
      }
    }
    const key = typeof first === 'string' ? first : String(first)
    if (key in environmentNames && fromEnv.has(key)) {
      return {
        key: environmentNames[key as ConfigKey],
        source: 'environment',
        message: issue.message,
      }
    }
    if (key in fileValues) return { key, source: 'file', message: issue.message }
    return {
      key: environmentNames[key as ConfigKey] ?? key,
      source: 'default',
      message: issue.message,
    }
  })
}

export function formatConfigProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key} (${p.source}): ${p.message}`)
  return `Brücke cannot start: the configuration is invalid.\n${lines.join('\n')}`
}
