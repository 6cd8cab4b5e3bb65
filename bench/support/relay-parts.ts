/**
 * The mandatory parts of one transfer, each measured alone as CPU time per transfer (issue 19,
 * point 9a): what no implementation of the relay can avoid — composing the MIME entity
 * (nodemailer), sign+encrypt, the SMTP exchange of the sealed message (client and server side),
 * and durable commits: two of a row of the envelope's size (outbox and settlement, as point 9a
 * names them) and, since point 3 requires the handoff to be recorded before the first byte goes
 * to the SMTP server, a third: the handoff marker, a short row. What the end-to-end cost adds on
 * top is the gateway's own overhead.
 */
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import type { DialectName } from '../../db/database.ts'
import type { Deps } from '../../gateway/deps.ts'
import { composeMessage } from '../../gateway/relay/compose-message.ts'
import { createSmtpMailer } from '../../gateway/relay/smtp-mailer.ts'
import { ownCpuMs, PidsCpuMeter, postgresBackendPids } from './cpu-time.ts'

export interface PartsCpu {
  composeMs: number
  sealMs: number
  /** Both sides: this process (nodemailer) and the SMTP server process. */
  smtpMs: number
  /** One durable commit of a row of the sealed message's size (database backends included). */
  commitMs: number
  /** One durable commit of a short row: the handoff marker of point 3 (when, which worker). */
  markerCommitMs: number
}

export async function measureParts(input: {
  deps: Deps
  dialect: DialectName
  count: number
  composeInput: Parameters<typeof composeMessage>[0]
  /** sign+encrypt with the outer headers (sealMessage): the complete message as sent. */
  seal: (mimeEntity: Buffer) => string
  smtpUrl: string
  smtpCpuMs: () => number | undefined
  envelope: { from: string; to: string }
}): Promise<PartsCpu> {
  const { count } = input
  let started = ownCpuMs()
  let entity = await composeMessage(input.composeInput)
  for (let i = 0; i < count; i++) entity = await composeMessage(input.composeInput)
  const composeMs = (ownCpuMs() - started) / (count + 1)

  let sealed = input.seal(entity)
  started = ownCpuMs()
  for (let i = 0; i < count; i++) sealed = input.seal(entity)
  const sealMs = (ownCpuMs() - started) / count

  // A pooled mailer as the delivery worker uses; one warm-up exchange opens the connection.
  const mailer = createSmtpMailer(input.smtpUrl)
  const raw = sealed
  const to = [input.envelope.to]
  try {
    await mailer.send({ from: input.envelope.from, to, raw })
    const sinkBefore = input.smtpCpuMs() ?? 0
    started = ownCpuMs()
    for (let i = 0; i < count; i++) await mailer.send({ from: input.envelope.from, to, raw })
    const smtpMs = (ownCpuMs() - started + ((input.smtpCpuMs() ?? 0) - sinkBefore)) / count

    const commitMs = await measureCommit(input.deps, input.dialect, count, Buffer.byteLength(raw))
    const markerCommitMs = await measureCommit(input.deps, input.dialect, count, markerBytes)
    return { composeMs, sealMs, smtpMs, commitMs, markerCommitMs }
  } finally {
    mailer.close()
  }
}

/** The handoff marker's values: two ISO instants and a worker id. */
const markerBytes = 80

/** One row of `bytes` in its own transaction, `count` times, in a scratch table dropped after. */
async function measureCommit(
  deps: Deps,
  dialect: DialectName,
  count: number,
  bytes: number,
): Promise<number> {
  const db = deps.db
  await sql`create table bench_commit (id text primary key, body text not null)`.execute(db)
  // Stored as the outbox stores its envelope (migration 0640): out of line, no compression attempt.
  if (dialect === 'postgres')
    await sql`alter table bench_commit alter column body set storage external`.execute(db)
  try {
    const body = randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64')
    const insert = () =>
      db
        .transaction()
        .execute((trx) =>
          sql`insert into bench_commit (id, body) values (${randomBytes(12).toString('hex')}, ${body})`.execute(
            trx,
          ),
        )
    for (let i = 0; i < 10; i++) await insert()
    const backends = new PidsCpuMeter(
      dialect === 'postgres' ? await postgresBackendPids(db, 10) : new Set(),
    )
    const started = ownCpuMs()
    for (let i = 0; i < count; i++) await insert()
    return (ownCpuMs() - started + backends.read()) / count
  } finally {
    await sql`drop table bench_commit`.execute(db)
  }
}
