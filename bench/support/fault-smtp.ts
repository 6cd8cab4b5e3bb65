/**
 * An SMTP sink that misbehaves on a schedule, for the soak run: in every cycle of 30 s it first
 * accepts (250) for 18 s, then answers 451 (try later) for 4 s, 550 (refused) for 2 s, and for
 * 3 s drops the connection once a message's data has arrived — no reply at all, as a crashed
 * MTA would — and accepts again. It counts what it accepted by Message-ID, so a message accepted
 * twice shows up as a duplicate.
 */
import type { AddressInfo } from 'node:net'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'

export interface FaultSmtp {
  url: string
  accepted: Map<string, number>
  counts: { accepted: number; temporary: number; permanent: number; dropped: number }
  close(): Promise<void>
}

type Phase = 'accept' | 'temporary' | 'permanent' | 'drop'

function phaseAt(ms: number): Phase {
  const second = (ms / 1000) % 30
  if (second < 18) return 'accept'
  if (second < 22) return 'temporary'
  if (second < 24) return 'permanent'
  if (second < 27) return 'drop'
  return 'accept'
}

export async function startFaultSmtp(): Promise<FaultSmtp> {
  const started = Date.now()
  const accepted = new Map<string, number>()
  const counts = { accepted: 0, temporary: 0, permanent: 0, dropped: 0 }
  // smtp-server keeps its connections in a set; dropping one means closing its socket unanswered.
  const dropConnection = (session: SMTPServerSession) => {
    const internals = server as unknown as {
      connections: Set<{ session?: { id?: string }; _socket?: { destroy(): void } }>
    }
    for (const connection of internals.connections)
      if (connection.session?.id === session.id) connection._socket?.destroy()
  }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const phase = phaseAt(Date.now() - started)
        if (phase === 'drop') {
          counts.dropped++
          dropConnection(session)
          return
        }
        if (phase === 'temporary') {
          counts.temporary++
          callback(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }))
          return
        }
        if (phase === 'permanent') {
          counts.permanent++
          callback(Object.assign(new Error('5.7.1 refused'), { responseCode: 550 }))
          return
        }
        const head = Buffer.concat(chunks).toString('latin1', 0, 8192)
        const messageId = /^Message-ID:\s*(\S+)/im.exec(head)?.[1] ?? '(none)'
        accepted.set(messageId, (accepted.get(messageId) ?? 0) + 1)
        counts.accepted++
        callback(null, `2.0.0 accepted ${counts.accepted}`)
      })
    },
  })
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as AddressInfo).port
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    counts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
