import MimeNode from 'nodemailer/lib/mime-node/index.js'
import { findAgency } from '../../db/account-repository.ts'
import { listNoticeRecipients, saveNotificationState } from '../../db/notification-repository.ts'
import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Mailer } from '../relay/ports.ts'
import { createSmtpMailer } from '../relay/smtp-mailer.ts'
import type { Service } from '../serve.ts'
import { listNotifications } from './notification-service.ts'

/** At most one notice per staff member within this time, however much happens. */
export const noticeGapMs = 15 * 60_000

/** The whole text of the notice: no name, no category, no agency, no count (issue 18 point 4). */
export const noticeTexts = {
  subject: 'Es gibt Neuigkeiten in Brücke',
  body: (link: string): string =>
    [
      'Guten Tag,',
      '',
      'es gibt Neuigkeiten in Brücke.',
      '',
      `Bitte melden Sie sich an und öffnen Sie die Benachrichtigungen: ${link}`,
      '',
      'Diese Nachricht enthält mit Absicht keine Angaben zu Personen oder Fällen.',
      'Sie können den Hinweis in Brücke unter „Benachrichtigungen“ abbestellen.',
      '',
      '-- ',
      'Brücke',
      '',
    ].join('\r\n'),
}

/** The plain notice mail (RFC 5322), marked as automatic (RFC 3834). */
export async function composeNotice(input: {
  from: string
  to: string
  messageId: string
  at: Date
  link: string
}): Promise<string> {
  const root = new MimeNode('text/plain; charset=utf-8')
  root.setHeader({
    From: `"Brücke" <${input.from}>`,
    To: input.to,
    Subject: noticeTexts.subject,
    'Message-ID': input.messageId,
    Date: input.at.toUTCString().replace('GMT', '+0000'),
    'Auto-Submitted': 'auto-generated',
  })
  root.setHeader('Content-Transfer-Encoding', 'quoted-printable')
  root.setContent(noticeTexts.body(input.link))
  return (await root.build()).toString('utf8')
}

const domainOf = (mailbox: string): string => mailbox.slice(mailbox.lastIndexOf('@') + 1)

/**
 * Sends the e-mail notice to each staff member who asked for it and has news not yet read nor
 * told (an event after both cursors, or a consent entering the lapsing window since). Returns how
 * many notices went out. A failing send is logged and tried again at the next round.
 */
export async function sendNotificationNotices(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'ids' | 'log'>,
  mailer: Mailer,
): Promise<number> {
  const now = deps.clock.now()
  let sent = 0
  for (const recipient of await listNoticeRecipients(deps.db)) {
    const { state } = recipient
    if (!state.noticeEmail) continue
    if (state.mailedAt !== null && now.getTime() - Date.parse(state.mailedAt) < noticeGapMs)
      continue
    const list = await listNotifications(deps, {
      caller: { userId: recipient.userId, agencyId: recipient.agencyId },
      action: 'mail_notice',
      now,
    })
    const toldSeq = Math.max(state.seenSeq, state.mailedSeq)
    const toldAt = [state.seenAt, state.mailedAt].filter((t): t is string => t !== null).sort()
    const since = toldAt[toldAt.length - 1] ?? null
    const fresh = list.items.filter((n) =>
      n.seq !== null ? n.seq > toldSeq : since === null || n.at > since,
    )
    if (fresh.length === 0) continue
    const agency = await findAgency(deps.db, recipient.agencyId)
    if (!agency) continue
    const raw = await composeNotice({
      from: agency.mailbox,
      to: state.noticeEmail,
      messageId: `<${deps.ids.newId('ntc')}@${domainOf(agency.mailbox)}>`,
      at: now,
      link: `${deps.config.publicUrl.replace(/\/+$/, '')}/staff/notifications`,
    })
    try {
      await mailer.send({ from: agency.mailbox, to: [state.noticeEmail], raw })
    } catch (error) {
      // The address is the staff member's own; it is not logged, nor is anything of the news.
      deps.log.warn({ err: error, userId: recipient.userId }, 'notification notice not sent')
      continue
    }
    await saveNotificationState(deps.db, recipient.userId, {
      mailedSeq: Math.max(state.mailedSeq, list.latestSeq),
      mailedAt: now.toISOString(),
    })
    sent++
  }
  return sent
}

/**
 * The e-mail notice as a background service of `brucke serve` (`NOTIFY_EMAIL`, off by default;
 * through `SMTP_URL`, which the configuration then requires). Undefined when off.
 */
export function startNotificationNotices(
  deps: Deps,
  intervalMs = 60_000,
): Promise<Service | undefined> {
  const smtpUrl = deps.config.smtpUrl
  if (!deps.config.notifyEmail || smtpUrl === undefined) return Promise.resolve(undefined)
  const mailer = createSmtpMailer(smtpUrl)
  const service = startPeriodicService({
    name: 'notification-notices',
    intervalMs,
    log: deps.log,
    metrics: deps.metrics,
    tick: () => sendNotificationNotices(deps, mailer),
  })
  return Promise.resolve({
    ...service,
    async stop() {
      await service.stop()
      mailer.close()
    },
  })
}
