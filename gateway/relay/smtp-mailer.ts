import nodemailer from 'nodemailer'
import { MailerFailure, type Mailer } from './ports.ts'

interface SmtpErrorShape {
  code?: string
  responseCode?: number
  message?: string
}

/**
 * Classifies a failed handoff (RFC 5321 §4.2.1): a 5yz reply is permanent; a 4yz reply, a
 * refused or dropped connection, a timeout or anything unknown is temporary and retried — a
 * transfer is failed only by a clear refusal or by the retry horizon.
 */
export function classifySmtpError(error: unknown): MailerFailure {
  const e = (error ?? {}) as SmtpErrorShape
  const text = `${e.code ?? 'ERROR'}${e.responseCode ? ` ${e.responseCode}` : ''}: ${e.message ?? String(error)}`
  const kind = e.responseCode !== undefined && e.responseCode >= 500 ? 'permanent' : 'temporary'
  return new MailerFailure(kind, text.slice(0, 480), { cause: error })
}

/**
 * A nodemailer SMTP transport with a small connection pool (RFC 5321 §4.5.4: reuse a session for
 * several messages); a broken pooled connection surfaces as a temporary failure and is retried.
 */
export function createSmtpMailer(
  target:
    | string
    | {
        host: string
        port: number
        secure: boolean
        ignoreTLS?: boolean
        /** STARTTLS when offered, without checking the server's certificate (RFC 7435). */
        tls?: { rejectUnauthorized: boolean }
      },
): Mailer {
  const timeouts = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 }
  const transport = nodemailer.createTransport({
    pool: true,
    maxConnections: 2,
    ...(typeof target === 'string' ? smtpOptionsOf(target) : target),
    ...timeouts,
  })
  return {
    async send(input) {
      try {
        const info = await transport.sendMail({
          envelope: { from: input.from, to: input.to },
          raw: input.raw,
        })
        return { response: String(info.response).slice(0, 480) }
      } catch (error) {
        throw classifySmtpError(error)
      }
    },
    close() {
      transport.close()
    },
  }
}

/** `smtp://user:pass@host:port` / `smtps://…` → transport options (RFC 8314 implicit TLS for smtps). */
function smtpOptionsOf(url: string): {
  host: string
  port: number
  secure: boolean
  auth?: { user: string; pass: string }
} {
  const parsed = new URL(url)
  const secure = parsed.protocol === 'smtps:'
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 25,
    secure,
    ...(parsed.username
      ? {
          auth: {
            user: decodeURIComponent(parsed.username),
            pass: decodeURIComponent(parsed.password),
          },
        }
      : {}),
  }
}
