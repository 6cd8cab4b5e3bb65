/**
 * A load generator for the relay benchmark, in its own process so the clients' CPU time is not
 * billed to the gateway: reads `{ url, token, count, concurrency, body }` as one JSON line on
 * stdin, prints `ready`, waits for `go`, then POSTs `body` to `url` `count` times with
 * `concurrency` requests in flight and prints `{ accepted, refused, firstRefusal }` as JSON.
 */
import { createInterface } from 'node:readline'

interface LoadOrder {
  url: string
  token: string
  count: number
  concurrency: number
  body: unknown
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
const order = JSON.parse(String((await lines.next()).value)) as LoadOrder
const payload = JSON.stringify(order.body)
process.stdout.write('ready\n')
await lines.next()

let next = 0
let accepted = 0
let refused = 0
let firstRefusal: string | undefined
const client = async (): Promise<void> => {
  while (next < order.count) {
    next += 1
    const response = await fetch(order.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${order.token}`, 'content-type': 'application/json' },
      body: payload,
    })
    const text = await response.text()
    if (response.status === 202) accepted += 1
    else {
      refused += 1
      firstRefusal ??= `${response.status} ${text.slice(0, 300)}`
    }
  }
}
await Promise.all(Array.from({ length: order.concurrency }, client))
process.stdout.write(`${JSON.stringify({ accepted, refused, firstRefusal })}\n`)
process.exit(0)
