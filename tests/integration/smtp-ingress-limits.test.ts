import { connect, type Socket } from 'node:net'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findUserWithPasswordHash } from '../../db/account-repository.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { dummyPasswordHash, scryptPasswords } from '../../gateway/auth/password.ts'
import type { Deps } from '../../gateway/deps.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { startSmtpIngress, type SmtpIngress } from '../../gateway/relay/smtp-ingress.ts'
import type { Config } from '../../gateway/runtime-config.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { countingPasswords } from '../support/counting-passwords.ts'
import { dialects } from '../support/databases.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** SMTP AUTH as a mail client does it (STARTTLS, then AUTH): 235 or the refusal's reply code. */
async function authReply(
  port: number,
  user: string,
  pass: string,
  localAddress = '127.0.0.1',
): Promise<number> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    requireTLS: true,
    localAddress,
    tls: { rejectUnauthorized: false },
    auth: { user, pass },
  })
  try {
    await transport.verify()
    return 235
  } catch (error) {
    return (error as { responseCode?: number }).responseCode ?? -1
  } finally {
    transport.close()
  }
}

interface RawConnection {
  /** The server's first line: the 220 greeting or a 421 refusal. */
  greeting: string
  socket: Socket
  closed: Promise<void>
}

/** A bare TCP connection that only reads the greeting (no SMTP client library in between). */
function openRaw(port: number, localAddress = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress })
    let buffer = ''
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.on('error', reject)
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      const end = buffer.indexOf('\r\n')
      if (end >= 0) resolve({ greeting: buffer.slice(0, end), socket, closed })
    })
  })
}

async function closeRaw(connection: RawConnection): Promise<void> {
  connection.socket.end()
  await connection.closed
}

describe.each(dialects)('SMTP ingress limits on %s', (dialect) => {
  let t: TestDeps
  let smtp: SmtpCapture
  let replyMailer: ReturnType<typeof createSmtpMailer>
  const started: SmtpIngress[] = []

  beforeAll(async () => {
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    replyMailer = createSmtpMailer(smtp.url)
  })
  afterAll(async () => {
    for (const ingress of started) await ingress.stop()
    replyMailer?.close()
    await smtp?.close()
    await t?.close()
  })

  /** An ingress of its own (its own failure budget), with settings and a password counter. */
  async function ingressWith(
    config: Partial<Config>,
    passwords: Deps['passwords'] = scryptPasswords,
  ): Promise<SmtpIngress> {
    const ingress = await startSmtpIngress({
      deps: { ...t.deps, passwords, config: { ...t.deps.config, ...config } },
      mailer: replyMailer,
    })
    started.push(ingress)
    return ingress
  }

  async function loginFailures(username: string) {
    const entries = await listAuditEntries(t.deps.db, { limit: 5000 })
    const failed = entries.filter(
      (e) => e.event.type === 'login_failed' && e.event.username === username,
    )
    const count = (reason: string) =>
      failed.filter((e) => e.event.type === 'login_failed' && e.event.reason === reason).length
    return { badPassword: count('bad_password'), rateLimited: count('rate_limited') }
  }

  it('when 40 clients send a wrong password for one user at once, then only the limit of passwords is checked and the rest get 454', async () => {
    const counter = countingPasswords()
    const ingress = await ingressWith({ smtpIngressMaxClientsPerAddress: 50 }, counter.passwords)
    const before = await loginFailures('staff-aa')

    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => authReply(ingress.port, 'staff-aa', `wrong ${i}`)),
    )

    // The default limit is 10 failures per user name; the slot is taken before the scrypt.
    expect(counter.checked).toHaveLength(10)
    expect(replies.filter((code) => code === 535)).toHaveLength(10)
    expect(replies.filter((code) => code === 454)).toHaveLength(30)
    // The 41st, even with the right password, is refused without a check.
    expect(await authReply(ingress.port, 'staff-aa', testPassword)).toBe(454)
    expect(counter.checked).toHaveLength(10)

    const after = await loginFailures('staff-aa')
    expect(after.badPassword - before.badPassword).toBe(10)
    // A refusal is audited once per window, not once per refused attempt.
    expect(after.rateLimited - before.rateLimited).toBe(1)

    t.clock.advance(16 * 60_000)
    expect(await authReply(ingress.port, 'staff-aa', testPassword)).toBe(235)
  })

  it('when the right password is given, then the attempt is refunded and does not count as a failure', async () => {
    const ingress = await ingressWith({ authFailureLimit: 2 })
    for (let i = 0; i < 5; i++)
      expect(await authReply(ingress.port, 'staff-jc', testPassword)).toBe(235)
    expect(await authReply(ingress.port, 'staff-jc', 'wrong one')).toBe(535)
    expect(await authReply(ingress.port, 'staff-jc', testPassword)).toBe(235)
  })

  it('when one address tries many user names, then the per-address limit refuses it while other addresses still get in', async () => {
    const ingress = await ingressWith({ authFailureLimitPerAddress: 3 })
    for (const name of ['probe-a', 'probe-b', 'probe-c'])
      expect(await authReply(ingress.port, name, 'guess')).toBe(535)
    expect(await authReply(ingress.port, 'probe-d', 'guess')).toBe(454)
    expect(await authReply(ingress.port, 'staff-jc', testPassword)).toBe(454)
    expect(await authReply(ingress.port, 'staff-jc', testPassword, '127.0.0.2')).toBe(235)
  })

  it('when the user is unknown, then AUTH still runs exactly one scrypt of the same cost as for a known user', async () => {
    const counter = countingPasswords()
    const ingress = await ingressWith({}, counter.passwords)
    expect(await authReply(ingress.port, 'nobody-by-this-name', 'some guess')).toBe(535)
    expect(counter.checked).toEqual([dummyPasswordHash])

    counter.checked.length = 0
    expect(await authReply(ingress.port, 'staff-ja', 'some guess')).toBe(535)
    const stored = (await findUserWithPasswordHash(t.deps.db, 'staff-ja'))?.passwordHash
    expect(counter.checked).toEqual([stored])
    const cost = (hash: string) => hash.split('$').slice(0, 4).join('$')
    expect(cost(dummyPasswordHash)).toBe(cost(stored!))
  })

  it('when one address holds its connection cap, then its next connection is greeted 421 and closed, other addresses are served', async () => {
    const ingress = await ingressWith({ smtpIngressMaxClientsPerAddress: 3 })
    const held = [] as RawConnection[]
    for (let i = 0; i < 3; i++) held.push(await openRaw(ingress.port))
    expect(held.map((c) => c.greeting.slice(0, 4))).toEqual(['220 ', '220 ', '220 '])

    const refused = await openRaw(ingress.port)
    expect(refused.greeting).toMatch(/^421 .*Too many connections from your address/)
    await refused.closed // the server hangs up

    const other = await openRaw(ingress.port, '127.0.0.2')
    expect(other.greeting).toMatch(/^220 /)
    await closeRaw(other)

    // A closed connection frees its place (the server learns of the close a moment later).
    await closeRaw(held.pop()!)
    let again = await openRaw(ingress.port)
    for (let tries = 0; again.greeting.startsWith('421') && tries < 40; tries++) {
      await again.closed
      await new Promise((resolve) => setTimeout(resolve, 25))
      again = await openRaw(ingress.port)
    }
    expect(again.greeting).toMatch(/^220 /)
    held.push(again)
    for (const connection of held) await closeRaw(connection)
  })

  it('when the ingress holds maxClients connections, then the next one is greeted 421 whatever its address', async () => {
    const ingress = await ingressWith({ smtpIngressMaxClients: 2 })
    const held = [await openRaw(ingress.port), await openRaw(ingress.port, '127.0.0.2')]
    expect(held.map((c) => c.greeting.slice(0, 4))).toEqual(['220 ', '220 '])
    const refused = await openRaw(ingress.port, '127.0.0.3')
    expect(refused.greeting).toMatch(/^421 .*Too many connected clients/)
    await refused.closed
    for (const connection of held) await closeRaw(connection)
  })
})
