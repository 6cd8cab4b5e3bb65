/**
 * A closed-loop HTTP load generator in its own process (so the clients' CPU is not billed to the
 * gateway): reads `{ url, method, token?, body?, clients, seconds }` as one JSON line on stdin,
 * prints `ready`, waits for `go`, then keeps `clients` requests in flight for `seconds` and
 * prints `{ completed, ok, failed, firstFailure }` as JSON. fetch is Node's undici.
 */
import { createInterface } from 'node:readline'

interface RateOrder {
  url: string
  method: 'GET' | 'POST'
  token?: string
  body?: unknown
  clients: number
  seconds: number
}

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
for (;;) {
  const next = await lines.next()
  if (next.done) break
  const order = JSON.parse(String(next.value)) as RateOrder
  const payload = order.body === undefined ? undefined : JSON.stringify(order.body)
  const headers: Record<string, string> = {}
  if (order.token) headers.authorization = `Bearer ${order.token}`
  if (payload) headers['content-type'] = 'application/json'
  process.stdout.write('ready\n')
  await lines.next()
  let ok = 0
  let failed = 0
  let firstFailure: string | undefined
  const until = performance.now() + order.seconds * 1000
  const client = async (): Promise<void> => {
    while (performance.now() < until) {
      const response = await fetch(order.url, { method: order.method, headers, body: payload })
      const text = await response.text()
      if (response.ok) ok += 1
      else {
        failed += 1
        firstFailure ??= `${response.status} ${text.slice(0, 300)}`
      }
    }
  }
  await Promise.all(Array.from({ length: order.clients }, client))
  process.stdout.write(`${JSON.stringify({ completed: ok + failed, ok, failed, firstFailure })}\n`)
}
process.exit(0)
