import { chmodSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Writes the demo PKI files (DESIGN.md §6); private key files and .p12 files get mode 0600. */
export function writeDemoPki(dir: string, files: Record<string, string | Buffer>): void {
  mkdirSync(dir, { recursive: true })
  for (const [name, content] of Object.entries(files)) {
    const file = join(dir, name)
    const secret = name.endsWith('.key.pem') || name.endsWith('.p12')
    writeFileSync(file, content, { mode: secret ? 0o600 : 0o644 })
    if (secret) chmodSync(file, 0o600)
  }
}
