import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** A message as the SMTP server received it: envelope and raw bytes. */
export interface CapturedMessage {
  from: string
  to: string[]
  raw: Buffer
  messageId: string | undefined
}

/**
 * A real SMTP server (smtp-server) in process on a loopback port, capturing raw MIME. `mode`
 * makes it answer the DATA command with a temporary (451) or permanent (554) refusal, or
 * (`stall`) read the whole message and never answer it — a hung receiver, counted in `stalled`,
 * whose message is not kept; `down()` closes the listener (connections refused) and `up()`
 * reopens it on the same port.
 */
export interface SmtpCapture {
  port: number
  url: string
  messages: CapturedMessage[]
  mode: 'accept' | 'tempfail' | 'permfail' | 'stall'
  /** Messages left unanswered in `stall` mode. */
  stalled: number
  /** An unexpected server-side error (connection resets from killed clients are not kept). */
  lastError?: Error
  down(): Promise<void>
  up(): Promise<void>
  close(): Promise<void>
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMessage[] = []
  let server: SMTPServer | undefined
  const capture: SmtpCapture = {
    port: 0,
    url: '',
    messages,
    mode: 'accept',
    stalled: 0,
    async down() {
      const current = server
      server = undefined
      if (current) await new Promise<void>((resolve) => current.close(() => resolve()))
    },
    async up() {
      if (server) return
      server = create()
      const listening = server
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject)
        listening.listen(capture.port, '127.0.0.1', () => resolve())
      })
      listening.removeAllListeners('error')
      // A client killed mid-session (the SIGKILL tests) resets its connection; like a real mail
      // server, the capture shrugs that off instead of crashing the test process.
      listening.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') capture.lastError = error
      })
      capture.port = (listening.server.address() as AddressInfo).port
      capture.url = `smtp://127.0.0.1:${capture.port}`
    },
    close() {
      return capture.down()
    },
  }
  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      // Loopback only: no reverse DNS lookup of the client (it would stall every connection).
      disableReverseLookup: true,
      // down() drops open (pooled) client connections almost at once, like a crashed server.
      closeTimeout: 50,
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          if (capture.mode === 'stall') {
            // No answer to the final dot: the client waits until its socket timeout or death.
            capture.stalled++
            return
          }
          if (capture.mode === 'tempfail') {
            const error = Object.assign(new Error('try again later'), { responseCode: 451 })
            callback(error)
            return
          }
          if (capture.mode === 'permfail') {
            const error = Object.assign(new Error('mailbox unavailable'), { responseCode: 554 })
            callback(error)
            return
          }
          const raw = Buffer.concat(chunks)
          const head = raw.toString('latin1', 0, Math.min(raw.length, 65536))
          messages.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            messageId: /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1],
          })
          callback()
        })
      },
    })
  await capture.up()
  return capture
}
