import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import { createApp, type BuiltApp } from '../../gateway/app.ts'
import type { Deps } from '../../gateway/deps.ts'

export interface TestServer {
  url: string
  built: BuiltApp
  /** Calls `/api/v1` + path with an optional bearer token and JSON body. */
  api(
    method: string,
    path: string,
    options?: {
      token?: string
      body?: unknown
      headers?: Record<string, string>
      rawBody?: string
    },
  ): Promise<{ status: number; body: unknown; headers: Headers }>
  close(): Promise<void>
}

/** The app in-process on a free loopback port. */
export async function startTestServer(deps: Deps): Promise<TestServer> {
  const built = createApp(deps)
  const server: Server = createServer(built.app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    built,
    async api(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers }
      if (options.token) headers.authorization = `Bearer ${options.token}`
      let body: string | undefined
      if (options.rawBody !== undefined) body = options.rawBody
      else if (options.body !== undefined) {
        body = JSON.stringify(options.body)
        headers['content-type'] ??= 'application/json'
      }
      const response = await fetch(`${url}/api/v1${path}`, {
        method,
        headers,
        body,
        redirect: 'manual',
      })
      const text = await response.text()
      let parsed: unknown = text
      try {
        parsed = text ? JSON.parse(text) : undefined
      } catch {
        // Not JSON: the test sees the text.
      }
      return { status: response.status, body: parsed, headers: response.headers }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
