import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nodemailer, { type Transporter } from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  readCatchallMessage,
  startCatchallMailbox,
  type CatchallMailbox,
} from '../../gateway/relay/catchall-mailbox.ts'
import { TestClock } from '../support/test-clock.ts'

/** A raw message as the relay sends it: the Message-ID is what the mailbox files it under. */
function rawMail(messageId: string, body: string): string {
  return [
    'From: jc-demo@brucke.example',
    'To: aa-demo@brucke.example',
    `Message-ID: ${messageId}`,
    'Subject: test',
    '',
    body,
    '',
  ].join('\r\n')
}

describe('local catch-all mailbox', () => {
  let root: string
  let dir: string
  let mailbox: CatchallMailbox
  // A clock that does not move: every mail arrives in the same millisecond.
  const clock = new TestClock()
  let transport: Transporter
  let umask: number

  beforeAll(async () => {
    // The most permissive umask: modes must come from the code, not from the environment.
    // (vitest runs this file in a forked process of its own, so nothing else sees the umask.)
    umask = process.umask(0o000)
    root = mkdtempSync(join(tmpdir(), 'brucke-catchall-'))
    dir = join(root, 'data', 'catchall')
    mailbox = await startCatchallMailbox(dir, clock)
    transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mailbox.port,
      secure: false,
      ignoreTLS: true,
    })
  })
  afterAll(async () => {
    transport.close()
    await mailbox.stop()
    rmSync(root, { recursive: true, force: true })
    process.umask(umask)
  })

  const send = (messageId: string, body: string) =>
    transport.sendMail({
      envelope: { from: 'jc-demo@brucke.example', to: ['aa-demo@brucke.example'] },
      raw: rawMail(messageId, body),
    })

  const kept = () => readdirSync(dir).filter((name) => name.endsWith('.eml'))

  it('when two mails with the same Message-ID arrive in the same millisecond, then both are kept, and the later one is read', async () => {
    await send('<same@brucke.example>', 'first body')
    await send('<same@brucke.example>', 'second body')
    const files = kept().filter((name) => name.endsWith('-same@brucke.example.eml'))
    expect(files).toHaveLength(2)
    expect(files.map((name) => readFileSync(join(dir, name), 'utf8')).sort()).toEqual([
      expect.stringContaining('first body'),
      expect.stringContaining('second body'),
    ])
    expect(readCatchallMessage(dir, '<same@brucke.example>')?.toString('utf8')).toContain(
      'second body',
    )
  })

  it('when many mails with one Message-ID arrive at once, then none overwrites another and no temporary file stays', async () => {
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => send('<burst@brucke.example>', `burst ${i}`)),
    )
    const files = kept().filter((name) => name.endsWith('-burst@brucke.example.eml'))
    expect(files).toHaveLength(12)
    const contents = new Set(
      files.map((name) => /burst \d+/.exec(readFileSync(join(dir, name), 'utf8'))?.[0]),
    )
    expect(contents.size).toBe(12)
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('keeps mail in a 0700 directory as 0600 files, whatever the umask', () => {
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(join(root, 'data')).mode & 0o777).toBe(0o700)
    for (const name of kept()) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600)
  })

  it('reads a message of the older <Message-ID>.eml naming, and nothing for an unknown one', () => {
    writeFileSync(join(dir, 'old@brucke.example.eml'), rawMail('<old@brucke.example>', 'legacy'))
    expect(readCatchallMessage(dir, '<old@brucke.example>')?.toString('utf8')).toContain('legacy')
    expect(readCatchallMessage(dir, '<nobody@brucke.example>')).toBeUndefined()
  })

  it('does not mistake a Message-ID for another that ends like it', async () => {
    await send('<a-b@brucke.example>', 'longer id')
    expect(readCatchallMessage(dir, '<b@brucke.example>')).toBeUndefined()
    expect(readCatchallMessage(dir, '<a-b@brucke.example>')?.toString('utf8')).toContain(
      'longer id',
    )
  })
})
