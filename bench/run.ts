/**
 * `npm run bench`: runs every `bench/*.bench.ts` in turn, in name order, each in a process of its
 * own — a benchmark that leaves a large heap behind (the audit ones hash a million entries)
 * would otherwise slow the garbage collection of the next one and skew its ratios. A bench
 * module runs itself when started directly (and exports `run()` for use from code).
 * Arguments filter by file name: `npm run bench -- crypto` runs only `crypto-*.bench.ts`.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export async function runBenchmarks(filters: string[]): Promise<number> {
  const directory = dirname(fileURLToPath(import.meta.url))
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort()
  let failed = 0
  for (const name of files) {
    console.log(`\n# ${name}`)
    const started = performance.now()
    const child = spawn(process.execPath, ['--import', 'tsx', join(directory, name)], {
      stdio: 'inherit',
    })
    const [code] = (await once(child, 'exit')) as [number | null]
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (code === 0) console.log(`# ${name} done in ${seconds} s`)
    else {
      failed += 1
      console.log(`# ${name} FAILED (exit ${String(code)}) after ${seconds} s`)
    }
  }
  if (files.length === 0) console.log(`no benchmark matches ${filters.join(', ')}`)
  return failed
}

process.exitCode = (await runBenchmarks(process.argv.slice(2))) > 0 ? 1 : 0
