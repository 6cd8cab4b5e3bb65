import type { TestServer } from './http-client.ts'

/**
 * Signs in through the real login form (its CSRF cookie and field included). Returns the status,
 * and on success the session cookie header for later requests.
 */
export async function loginThroughForm(
  server: TestServer,
  username: string,
  password: string,
): Promise<{ status: number; cookie: string | undefined }> {
  const form = await fetch(`${server.url}/login`)
  const text = await form.text()
  const csrf = /name="_login_csrf" value="([^"]+)"/.exec(text)?.[1]
  const csrfCookie = form.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('brucke_login_csrf='))
  if (!csrf || !csrfCookie) throw new Error('login form without CSRF token')
  const response = await fetch(`${server.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ username, password, _login_csrf: csrf }).toString(),
  })
  await response.arrayBuffer()
  const session = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('brucke_session=') && pair !== 'brucke_session=')
  return { status: response.status, cookie: session }
}
