/**
 * `npm run bench`: runs every `bench/*.bench.ts` in turn, in name order. A bench module exports
 * `run()` (and runs itself only when started directly), so importing it here has no side effect.
 * Arguments filter by file name: `npm run bench -- crypto` runs only `crypto-*.bench.ts`.
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

interface BenchModule {
  run?: () => unknown
}

export async function runBenchmarks(filters: string[]): Promise<void> {
  const directory = dirname(fileURLToPath(import.meta.url))
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort()
  for (const name of files) {
    const module = (await import(pathToFileURL(join(directory, name)).href)) as BenchModule
    if (typeof module.run !== 'function') {
      console.log(`\n# ${name}: no run() export, skipped`)
      continue
    }
    console.log(`\n# ${name}`)
    const started = performance.now()
    await module.run()
    console.log(`# ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  }
}

await runBenchmarks(process.argv.slice(2))
