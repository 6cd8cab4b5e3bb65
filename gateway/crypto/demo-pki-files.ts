import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makePrivateDirectory, writePrivateFile } from '../../db/private-files.ts'

/**
 * Writes the demo PKI files (docs/design.md §6) into `dir` (created 0700 when missing): private key
 * files and .p12 files with mode 0600, certificates and the CRL 0644.
 */
export function writeDemoPki(dir: string, files: Record<string, string | Buffer>): void {
  makePrivateDirectory(dir)
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name)
    const secret = name.endsWith('.key.pem') || name.endsWith('.p12')
    if (secret) writePrivateFile(file, content)
    else writeFileSync(file, content, { mode: 0o644 })
  }
}
