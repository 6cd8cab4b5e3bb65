import { randomBytes } from 'node:crypto'
import { existsSync, linkSync, readdirSync, readFileSync, unlinkSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { makePrivateDirectory, writePrivateFile } from '../../db/private-files.ts'
import type { Clock } from '../deps.ts'

/** Largest message the catch-all accepts (the relay never builds bigger ones). */
const maxMessageBytes = 40 * 1024 * 1024

export interface CatchallMailbox {
  port: number
  stop(): Promise<void>
}

/** The Message-ID as it appears in file names (characters outside a safe set dropped). */
export function catchallFileName(messageId: string): string {
  return `${messageId.replace(/[^A-Za-z0-9._@-]/g, '').slice(0, 200)}.eml`
}

/**
 * `<ms since 1970, 13 digits>-<arrival number, 6 digits>-<8 random hex>-<Message-ID>.eml`: sorted
 * by name in arrival order, and unique even for one Message-ID twice in the same millisecond.
 */
const keptFileName = /^(\d{13})-(\d{6})-([0-9a-f]{8})-(.*)$/

/**
 * Reads the last kept message with this Message-ID (a re-sent transfer keeps its Message-ID);
 * undefined when none arrived. Files of the older `<Message-ID>.eml` naming are read too.
 */
export function readCatchallMessage(directory: string, messageId: string): Buffer | undefined {
  const wanted = catchallFileName(messageId)
  if (!existsSync(directory)) return undefined
  const kept = readdirSync(directory)
    .filter((name) => keptFileName.exec(name)?.[4] === wanted)
    .sort()
  const latest = kept.at(-1) ?? (existsSync(join(directory, wanted)) ? wanted : undefined)
  return latest === undefined ? undefined : readFileSync(join(directory, latest))
}

/**
 * The built-in local catch-all of the offline demo (docs/design.md §6): an SMTP server on a loopback
 * port that keeps every message it receives — still S/MIME encrypted, exactly as sent — in a
 * file of its own: a mail never replaces another, not even a re-sent one with the same
 * Message-ID. Each is written under a temporary name and then linked to its final name (a link
 * fails where a rename would overwrite), so no half file is ever seen. Directory 0700, files 0600.
 */
export async function startCatchallMailbox(
  directory: string,
  clock: Clock,
): Promise<CatchallMailbox> {
  makePrivateDirectory(directory)
  let arrivals = 0
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
        const messageId = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? '<no-id>'
        try {
          keepMessage(directory, raw, messageId, clock.now(), arrivals++)
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

function keepMessage(
  directory: string,
  raw: Buffer,
  messageId: string,
  at: Date,
  arrival: number,
): void {
  const stamp = `${String(at.getTime()).padStart(13, '0')}-${String(arrival % 1e6).padStart(6, '0')}`
  for (;;) {
    const name = `${stamp}-${randomBytes(4).toString('hex')}-${catchallFileName(messageId)}`
    const temporary = join(directory, `.${name}.tmp`)
    writePrivateFile(temporary, raw, { flag: 'wx' })
    try {
      linkSync(temporary, join(directory, name))
      return
    } catch (error) {
      // Only a name taken already (one in four billion) is tried again, with new random bits.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    } finally {
      unlinkSync(temporary)
    }
  }
}
