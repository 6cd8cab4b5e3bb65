import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { disableAccount } from '../../gateway/accounts/account-lockout.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { startSmtpIngress, type SmtpIngress } from '../../gateway/relay/smtp-ingress.ts'
import type { Mailer } from '../../gateway/relay/ports.ts'
import { seedAccounts, testPassword } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

describe.each(dialects)('SMTP ingress after an account is disabled on %s', (dialect) => {
  let t: TestDeps
  let smtp: SmtpCapture
  let replyMailer: Mailer
  let ingress: SmtpIngress

  beforeAll(async () => {
    smtp = await startSmtpCapture()
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
    replyMailer = createSmtpMailer(smtp.url)
    ingress = await startSmtpIngress({
      deps: t.deps,
      mailer: replyMailer,
    })
  }, 120_000)
  afterAll(async () => {
    await ingress?.stop()
    replyMailer?.close()
    await smtp?.close()
    await t?.close()
  })

  it('when staff are disabled while their mail client stays connected, then the next mail on that connection is refused 530', async () => {
    // One pooled connection, authenticated once, used for both mails.
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 1,
      host: '127.0.0.1',
      port: ingress.port,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user: 'staff-jc', pass: testPassword },
    })
    const attempt = (): Promise<{ responseCode?: number; response?: string }> =>
      transport
        .sendMail({
          from: 'u25@jc-demo.example',
          to: 'nobody@nowhere.example',
          subject: 'Test',
          text: 'Test',
        })
        .then(
          () => ({}),
          (error: unknown) => error as { responseCode?: number; response?: string },
        )
    try {
      const before = await attempt()
      // Authenticated: the mail gets as far as its (unknown) recipient.
      expect(before.responseCode, before.response).toBe(550)
      expect(before.response).toContain('Unknown recipient agency')
      await disableAccount(t.deps, {
        actor: 'system',
        userId: 'staff-jc',
        protectLastAdmin: true,
      })
      const after = await attempt()
      expect(after.responseCode, after.response).toBe(530)
      expect(after.response).toContain('Account disabled')
    } finally {
      transport.close()
    }
  })
})
