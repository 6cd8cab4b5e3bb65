import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp } from './app.ts'
import type { Deps } from './deps.ts'
import { createRouteLimits } from './http/route-limits.ts'
import { serviceStarters } from './services.ts'

/** A background part of `brucke serve` (delivery worker, SMTP ingress, checkpointer…). */
export interface Service {
  name: string
  /** Where the service listens, for the start banner (e.g. the SMTP ingress). */
  endpoints?: { name: 'smtp_ingress' | 'inbound_smtp'; host: string; port: number }[]
  stop(): Promise<void>
}

export interface RunningGateway {
  server: Server
  url: string
  services: Service[]
  stop(): Promise<void>
}

/** Listens for HTTP and starts the background services. */
export async function startGateway(
  deps: Deps,
  options: { port?: number; host?: string } = {},
): Promise<RunningGateway> {
  const { app } = createApp(deps, createRouteLimits(deps))
  // Memory, CPU, event loop and GC of this process, once per gateway that listens.
  deps.metrics.collectProcessMetrics()
  const server = createServer(app)
  server.requestTimeout = 60_000
  server.headersTimeout = 20_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? deps.config.port, options.host ?? deps.config.host, () =>
      resolve(),
    )
  })
  const address = server.address() as AddressInfo
  const services: Service[] = []
  try {
    for (const start of serviceStarters) {
      const service = await start(deps)
      if (service) services.push(service)
    }
  } catch (error) {
    // A service that cannot start (e.g. a wrong master key) stops the gateway, not half of it.
    for (const service of [...services].reverse()) await service.stop()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    throw error
  }
  let stopped = false
  return {
    server,
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    services,
    async stop() {
      if (stopped) return
      stopped = true
      for (const service of [...services].reverse()) await service.stop()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    },
  }
}
