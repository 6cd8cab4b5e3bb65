import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { apiPrefix } from '../../gateway/http/routes.ts'
import { healthzRoute } from '../../gateway/http/system-routes.ts'

const root = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, root), 'utf8')

/** Dockerfile instructions as [keyword, arguments], continuation lines joined, comments dropped. */
function instructions(dockerfile: string): [string, string][] {
  return dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ')
      return [line.slice(0, space).toUpperCase(), line.slice(space + 1).trim()]
    })
}

/** The instructions of each stage, split at FROM. */
function stages(dockerfile: string): [string, string][][] {
  const result: [string, string][][] = []
  for (const instruction of instructions(dockerfile)) {
    if (instruction[0] === 'FROM') result.push([])
    result.at(-1)?.push(instruction)
  }
  return result
}

/** `Key=value` lines of a systemd unit (a key may repeat). */
function unitSettings(unit: string): Map<string, string[]> {
  const settings = new Map<string, string[]>()
  for (const line of unit.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim())
    if (match) settings.set(match[1]!, [...(settings.get(match[1]!) ?? []), match[2]!])
  }
  return settings
}

describe('deployment files', () => {
  const dockerfile = read('Dockerfile')
  const [build, runtime] = stages(dockerfile)

  it('builds in one stage with the compilers and runs in another without them, not as root', () => {
    expect(build?.[0]?.[1]).toMatch(/^node:20-bookworm-slim AS build$/)
    expect(runtime?.[0]?.[1]).toBe('node:20-bookworm-slim')
    const buildRuns = build!.filter(([k]) => k === 'RUN').map(([, a]) => a)
    expect(buildRuns.join(' ')).toMatch(/apt-get install .*python3.*make.*g\+\+/)
    expect(buildRuns.join(' ')).toContain('npm ci --omit=dev')
    const runtimeText = runtime!.map(([k, a]) => `${k} ${a}`).join('\n')
    for (const tool of ['python3', ' make', 'g++', 'build-essential', 'npm ci', 'npm install'])
      expect(runtimeText).not.toContain(tool)
    const users = runtime!.filter(([k]) => k === 'USER').map(([, a]) => a)
    expect(users).toHaveLength(1)
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/)
    // USER comes before the process starts, after the last RUN (which needs root for apt).
    const keywords = runtime!.map(([k]) => k)
    expect(keywords.indexOf('USER')).toBeGreaterThan(keywords.lastIndexOf('RUN'))
    expect(keywords).toEqual(expect.arrayContaining(['VOLUME', 'EXPOSE', 'HEALTHCHECK']))
  })

  it('checks health on the route the gateway serves', () => {
    const healthcheck = instructions(dockerfile).find(([k]) => k === 'HEALTHCHECK')?.[1] ?? ''
    expect(healthcheck).toContain(`${apiPrefix}${healthzRoute.path}`)
  })

  it('copies every tracked top-level folder the service runs from, and only those', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((path) => path.includes('/'))
      .map((path) => path.slice(0, path.indexOf('/')))
    const folders = [...new Set(tracked)].filter((name) => !name.startsWith('.')).sort()
    const copied = runtime!
      .filter(([k, a]) => k === 'COPY' && !a.startsWith('--from'))
      .flatMap(([, a]) => a.split(/\s+/).slice(0, -1))
    // Not needed at run time; anything else new at the top level must be decided here.
    const notShipped = ['bench', 'deploy', 'docs', 'scripts', 'tests']
    expect(folders.filter((f) => !notShipped.includes(f))).toEqual(
      copied.filter((c) => !c.includes('.')).sort(),
    )
    for (const folder of notShipped)
      expect(read('.dockerignore')).toMatch(new RegExp(`^${folder}$`, 'm'))
  })

  it('runs the systemd unit restarted on failure, without privileges, on a read-only system', () => {
    const unit = unitSettings(read('deploy/brucke.service'))
    const one = (key: string) => {
      const values = unit.get(key) ?? []
      expect(values, key).toHaveLength(1)
      return values[0]
    }
    expect(one('Restart')).toBe('on-failure')
    expect(one('NoNewPrivileges')).toBe('yes')
    expect(one('ProtectSystem')).toBe('strict')
    expect(one('ProtectHome')).toBe('yes')
    expect(one('PrivateTmp')).toBe('yes')
    expect(one('CapabilityBoundingSet')).toBe('')
    expect(one('RestrictAddressFamilies')).toBe('AF_INET AF_INET6 AF_UNIX')
    expect(one('MemoryDenyWriteExecute')).toBe('no') // V8's JIT; the unit says why
    expect(one('SystemCallFilter')).toBe('@system-service')
    expect(one('User')).not.toBe('root')
    expect(one('EnvironmentFile')).toMatch(/^\/etc\//)
    // The one writable place is the data directory the service is told to use.
    const dataDir = `/var/lib/${one('StateDirectory')}`
    expect(one('ReadWritePaths')).toBe(dataDir)
    expect(one('Environment')).toContain(`BRUCKE_DATA_DIR=${dataDir}`)
  })
})
