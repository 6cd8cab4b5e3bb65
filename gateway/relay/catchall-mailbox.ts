import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'

/** Largest message the catch-all accepts (the relay never builds bigger ones). */
const maxMessageBytes = 40 * 1024 * 1024

export interface CatchallMailbox {
  port: number
  stop(): Promise<void>
}

/** The file a message is kept in, named after its Message-ID (characters outside a safe set dropped). */
export function catchallFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9._@-]/g, '')}.eml`
}

/** Reads a kept message by Message-ID; undefined when none arrived. */
export function readCatchallMessage(directory: string, messageId: string): Buffer | undefined {
  const path = join(directory, catchallFileName(messageId))
  return existsSync(path) ? readFileSync(path) : undefined
}

/**
 * The built-in local catch-all of the offline demo (DESIGN.md §6): an SMTP server on a loopback
 * port that keeps every message it receives — still S/MIME encrypted, exactly as sent — as
 * `<dir>/<Message-ID>.eml`. A re-sent message overwrites its own file, so the mailbox shows
 * each transfer once. Written to a temporary name and renamed, so no half file is ever seen.
 */
export async function startCatchallMailbox(directory: string): Promise<CatchallMailbox> {
  mkdirSync(directory, { recursive: true, mode: 0o700 })
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // Loopback only: no reverse DNS lookup of the client (it would stall every connection).
    disableReverseLookup: true,
    size: maxMessageBytes,
    banner: 'Brücke local catch-all (demo)',
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks)
        const head = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1')
        const messageId =
          /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? `<no-id-${Date.now()}>`
        const path = join(directory, catchallFileName(messageId))
        try {
          writeFileSync(`${path}.tmp`, raw, { mode: 0o600 })
          renameSync(`${path}.tmp`, path)
          callback()
        } catch {
          // A full disk must not crash the gateway: the sender gets a temporary failure, retries.
          callback(Object.assign(new Error('cannot store the message now'), { responseCode: 451 }))
        }
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  server.removeAllListeners('error')
  // smtp-server reports each client's socket errors (a reset, a killed sender) on the server;
  // without a listener one such error would end the whole gateway process.
  server.on('error', () => undefined)
  const { port } = server.server.address() as AddressInfo
  return {
    port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
