import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freePort, runBrucke, startBruckeServe } from '../support/cli.ts'

async function logIn(base: string, username: string, password: string): Promise<number> {
  const form = await fetch(`${base}/login`)
  const html = await form.text()
  const csrf = /name="_login_csrf" value="([^"]+)"/.exec(html)![1]!
  const cookie = form.headers.getSetCookie()[0]!.split(';')[0]!
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ username, password, _login_csrf: csrf }).toString(),
  })
  return response.status
}

describe('npm start on a fresh checkout (demo setup on SQLite)', () => {
  it('creates the demo setup once, prints URLs and logins, and reuses data and secrets on the next start', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'brucke-demo-'))
    const port = await freePort()
    const env = { PORT: String(port), COOKIE_SECURE: 'false' }
    const base = `http://localhost:${port}`

    const first = await startBruckeServe({ env, cwd })
    const banner = first.output()
    for (const path of ['/login', '/staff', '/kiosk', '/me', '/dpo', '/admin', '/api/v1'])
      expect(banner).toContain(`${base}${path}`)
    // The SMTP ingress on a free port (the test environment sets SMTP_INGRESS_PORT=0).
    expect(banner).toMatch(/^ {2}SMTP ingress {3}smtp:\/\/127\.0\.0\.1:[1-9]\d* .*STARTTLS/m)
    const passwords = Object.fromEntries(
      [...banner.matchAll(/^\s+(demo-[a-z]+)\s+(staff|dpo|admin|kiosk)\s+(\S+)$/gm)].map((m) => [
        m[1]!,
        m[3]!,
      ]),
    )
    expect(Object.keys(passwords).sort()).toEqual([
      'demo-aa',
      'demo-admin',
      'demo-dpo',
      'demo-ja',
      'demo-jc',
      'demo-kiosk',
    ])
    expect(await logIn(base, 'demo-jc', passwords['demo-jc']!)).toBe(303)
    const masterKey = readFileSync(join(cwd, 'data', 'master.key'), 'utf8')
    expect(readFileSync(join(cwd, 'data', 'demo-credentials.txt'), 'utf8')).toContain(
      passwords['demo-dpo'],
    )

    const token = await runBrucke(['token', '--user', 'demo-jc'], { env, cwd })
    expect(token.code).toBe(0)
    const agencies = await fetch(`${base}/api/v1/agencies`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    })
    const ids = ((await agencies.json()) as { agencies: { id: string }[] }).agencies
      .map((a) => a.id)
      .sort()
    expect(ids).toEqual(['aa-demo', 'ja-demo', 'jc-demo'])
    // The shipped texts are approved and the demo agencies carry their Art. 13 information: a
    // demo draft gets the newest text, naming the person and the agencies' data protection officers.
    const drafted = await fetch(`${base}/api/v1/consents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.stdout.trim()}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        kind: 'einwilligung',
        subject: { givenName: 'Mila', familyName: 'Beispiel', birthDate: '2005-06-10' },
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      }),
    })
    expect(drafted.status).toBe(201)
    const { id, text } = (await drafted.json()) as { id: string; text: { version: number } }
    expect(text.version).toBe(2)
    const shown = await fetch(`${base}/api/v1/consents/${id}/text`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    })
    const body = (await shown.json()) as { text: string }
    expect(body.text).toContain('Mila Beispiel')
    expect(body.text).toContain('datenschutz@ja-demo.example')
    expect(await first.stop()).toBe(0)

    const second = await startBruckeServe({ env, cwd })
    expect(second.output()).toContain('passwords in')
    expect(second.output()).not.toContain(passwords['demo-jc'])
    expect(readFileSync(join(cwd, 'data', 'master.key'), 'utf8')).toBe(masterKey)
    expect(await logIn(base, 'demo-jc', passwords['demo-jc']!)).toBe(303)
    expect(await second.stop()).toBe(0)
  }, 240_000)
})
