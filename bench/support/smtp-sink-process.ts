/**
 * A local SMTP server (smtp-server) in its own process for the relay benchmark: it accepts every
 * message, reads it to the end and answers 250, and prints its port on the first line of stdout.
 * In production the MTA is another process (or machine); running it in the benchmark's own
 * event loop would bill Brücke for the receiving side's parsing.
 */
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

let accepted = 0
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  disableReverseLookup: true,
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined)
    stream.on('end', () => {
      accepted += 1
      callback(null, `2.0.0 accepted ${accepted}`)
    })
  },
})
server.on('error', () => undefined)
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.server.address() as AddressInfo).port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
