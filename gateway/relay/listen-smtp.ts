import type { AddressInfo } from 'node:net'
import type { SMTPServer } from 'smtp-server'
import type { Deps } from '../deps.ts'
import { IngressStartError } from './ingress-start-error.ts'

/**
 * Starts an smtp-server listening — the staff ingress and the partners' inbound listener alike. A
 * port in use stops the start with a message naming the setting to change; afterwards each
 * client's socket error (a reset, a TLS handshake gone wrong), which smtp-server reports on the
 * server, is logged instead of ending the gateway process.
 */
export async function listenSmtp(
  server: SMTPServer,
  input: {
    deps: Pick<Deps, 'log'>
    host: string
    port: number
    /** How the log and the start error name this listener, e.g. `SMTP ingress`. */
    name: string
    /** The setting that chooses its port, e.g. `SMTP_INGRESS_PORT`. */
    setting: string
    tlsSource: string
  },
): Promise<{ host: string; port: number; stop(): Promise<void> }> {
  const { host, port, name } = input
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new IngressStartError(
          'ERR_SMTP_INGRESS_LISTEN',
          error.code === 'EADDRINUSE'
            ? `${name} cannot listen on ${host}:${port}: the port is in use (set ${input.setting} to another port, 0 for any free port, or off)`
            : `${name} cannot listen on ${host}:${port}: ${error.message}`,
          { cause: error },
        ),
      )
    })
    server.listen(port, host, () => resolve())
  })
  server.removeAllListeners('error')
  const logName = name.toLowerCase()
  server.on('error', (error: NodeJS.ErrnoException) => {
    input.deps.log.debug({ code: error.code }, `${logName}: client connection error`)
  })
  const listening = (server.server.address() as AddressInfo).port
  input.deps.log.info({ host, port: listening, tls: input.tlsSource }, `${logName} listening`)
  return {
    host,
    port: listening,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
