/**
 * The partner gateway's side for the inbound benchmark, in its own process so its CPU time is
 * not billed to the receiving gateway: reads `{ url, from, to, files }` as one JSON line on stdin
 * (`files`: paths of sealed messages), prints `ready`, waits for `go`, then delivers each file
 * over one SMTP connection (pooled, no TLS) and prints `{ sent, failed, firstFailure }` as JSON.
 */
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import nodemailer from 'nodemailer'

interface SendOrder {
  url: string
  from: string
  to: string
  files: string[]
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
const order = JSON.parse(String((await lines.next()).value)) as SendOrder
const messages = order.files.map((file) => readFileSync(file))
const url = new URL(order.url)
const transport = nodemailer.createTransport({
  host: url.hostname,
  port: Number(url.port),
  secure: false,
  ignoreTLS: true,
  pool: true,
  maxConnections: 1,
  maxMessages: Infinity,
})
process.stdout.write('ready\n')
await lines.next()
let sent = 0
let failed = 0
let firstFailure: string | undefined
for (const raw of messages) {
  try {
    await transport.sendMail({ envelope: { from: order.from, to: [order.to] }, raw })
    sent += 1
  } catch (error) {
    failed += 1
    firstFailure ??= error instanceof Error ? error.message : String(error)
  }
}
transport.close()
process.stdout.write(`${JSON.stringify({ sent, failed, firstFailure })}\n`)
process.exit(0)
