import { readFileSync, createWriteStream, type WriteStream } from 'node:fs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { z } from 'zod'
import { proofDocumentSchema, checkProofDocument } from '../../audit/proof-document.ts'
import type { AuditFilter } from '../../db/audit-repository.ts'
import { buildConsistencyProof, buildInclusionProof } from '../audit/build-proofs.ts'
import { exportAuditLog } from '../audit/export-audit-log.ts'
import { purgeExpiredData } from '../audit/purge-retention.ts'
import { verifyAndRecord } from '../audit/verify-audit-log.ts'
import { writeCheckpoint } from '../audit/write-checkpoint.ts'
import { CliError, withRuntime, type CliContext } from './cli-context.ts'

const cliActor = 'cli:audit' as const

interface ExportOptions {
  format: string
  out?: string
  from?: string
  to?: string
  agency?: string
  staff?: string
  actor?: string
  subject?: string
  consent?: string
  transfer?: string
  type?: string
  decision?: string
}

function instantOption(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined
  const date = new Date(value)
  if (Number.isNaN(date.getTime()))
    throw new CliError(`--${name} must be a date or ISO 8601 instant`)
  return date
}

function filterFromOptions(options: ExportOptions): AuditFilter {
  const from = instantOption(options.from, 'from')
  const to = instantOption(options.to, 'to')
  const actor = options.staff !== undefined ? `user:${options.staff}` : options.actor
  if (options.decision !== undefined && !['permit', 'deny'].includes(options.decision))
    throw new CliError('--decision must be permit or deny')
  return {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(options.agency !== undefined ? { agencyId: options.agency } : {}),
    ...(actor !== undefined ? { actor } : {}),
    ...(options.subject !== undefined ? { subjectPseudonym: options.subject } : {}),
    ...(options.consent !== undefined ? { consentId: options.consent } : {}),
    ...(options.transfer !== undefined ? { transferId: options.transfer } : {}),
    ...(options.type !== undefined ? { types: options.type.split(',') } : {}),
    ...(options.decision !== undefined ? { decision: options.decision } : {}),
  }
}

function positiveInteger(value: string, name: string): number {
  if (!/^\d{1,12}$/.test(value) || Number(value) < 1)
    throw new CliError(`${name} must be a positive whole number`)
  return Number(value)
}

/** CLI commands of the audit area (docs/design.md §6: `brucke audit verify`, `brucke audit export`). */
export function registerAuditCommands(program: Command, context: CliContext): void {
  const audit = program
    .command('audit')
    .description('verify, prove, export and purge the tamper-evident audit log')

  audit
    .command('verify')
    .description(
      'recompute the whole log; exit 0 with the verified head, 1 with the first bad entry',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withRuntime(context, async (deps) => {
        const result = await verifyAndRecord(deps, cliActor)
        if (options.json) context.out(JSON.stringify(result, null, 2))
        if (!result.ok) {
          if (!options.json)
            context.out(
              `Audit log BROKEN at entry ${result.seq}: ${result.reason}${result.columns ? ` (column ${result.columns.join(' or ')})` : ''} — ${result.detail}`,
            )
          throw new CliError(
            `audit verification failed at entry ${result.seq} (${result.reason}${result.columns ? `, column ${result.columns.join(' or ')}` : ''})`,
            1,
          )
        }
        if (!options.json)
          context.out(
            [
              `Audit log intact: ${result.treeSize} entries.`,
              `  root hash   ${result.rootHash}`,
              `  last entry  ${result.entryHash}`,
              `  checkpoints ${result.checkpointsVerified} verified${result.latestCheckpoint ? `, latest ${result.latestCheckpoint.treeSize} entries at ${result.latestCheckpoint.at}` : ''}`,
              ...(result.erasedEntries > 0
                ? [
                    `  erased      ${result.erasedEntries} entries had personal values erased by retention`,
                  ]
                : []),
            ].join('\n'),
          )
      })
    })

  audit
    .command('export')
    .description('export the (filtered) log as CSV or JSON; the export is audited')
    .requiredOption('--format <format>', 'csv | json')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--from <instant>', 'entries at or after')
    .option('--to <instant>', 'entries before')
    .option('--agency <id>', 'entries concerning this agency')
    .option('--staff <id>', 'entries by this staff member')
    .option('--actor <actor>', 'entries by this actor (user:…, kiosk:…, system)')
    .option('--subject <pseudonym>', 'entries about this subject pseudonym')
    .option('--consent <id>', 'entries of this consent')
    .option('--transfer <id>', 'entries of this transfer')
    .option('--type <types>', 'event types, comma-separated')
    .option('--decision <decision>', 'permit | deny')
    .action(async (options: ExportOptions) => {
      if (options.format !== 'csv' && options.format !== 'json')
        throw new CliError('--format must be csv or json')
      const format = options.format
      const filter = filterFromOptions(options)
      await withRuntime(context, async (deps) => {
        let file: WriteStream | undefined
        const sink: NodeJS.WritableStream = options.out
          ? (file = createWriteStream(resolve(context.cwd, options.out), { flags: 'wx' }))
          : process.stdout
        const write = (chunk: string): Promise<void> | void => {
          if (sink.write(chunk)) return
          return new Promise<void>((done) => sink.once('drain', () => done()))
        }
        const written = await exportAuditLog(deps, {
          filter,
          format,
          actor: cliActor,
          write,
          onProgress: (n, total) => context.err(`exported ${n} of ${total} entries`),
          progressEvery: 50_000,
        })
        if (file) {
          const closing = file
          await new Promise<void>((done, fail) =>
            closing.end((error?: Error | null) => (error ? fail(error) : done())),
          )
          context.err(`Wrote ${written} entries to ${options.out}.`)
        }
      })
    })

  audit
    .command('proof')
    .description('print the inclusion proof of an entry (JSON), or a consistency proof')
    .option('--seq <n>', 'the entry')
    .option('--from <size>', 'consistency: the older checkpoint size')
    .option('--to <size>', 'consistency: the newer checkpoint size')
    .action(async (options: { seq?: string; from?: string; to?: string }) => {
      await withRuntime(context, async (deps) => {
        if (options.seq !== undefined) {
          const proof = await buildInclusionProof(deps, positiveInteger(options.seq, '--seq'))
          context.out(JSON.stringify(proof, null, 2))
          return
        }
        if (options.from === undefined || options.to === undefined)
          throw new CliError('give --seq N, or --from and --to (checkpoint sizes)')
        const proof = await buildConsistencyProof(deps, {
          from: positiveInteger(options.from, '--from'),
          to: positiveInteger(options.to, '--to'),
        })
        context.out(JSON.stringify(proof, null, 2))
      })
    })

  audit
    .command('check-proof')
    .description('check a proof file offline (no database): signature, entry hash, Merkle path')
    .argument('<file>', 'proof JSON from `brucke audit proof` or GET /api/v1/audit/proof/:seq')
    .option(
      '--public-key <base64>',
      'the audit public key to trust (from `brucke audit public-key`)',
    )
    .action((file: string, options: { publicKey?: string }) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(readFileSync(resolve(context.cwd, file), 'utf8'))
      } catch (error) {
        throw new CliError(`cannot read ${file} as JSON: ${(error as Error).message}`, 2)
      }
      const document = proofDocumentSchema.safeParse(parsed)
      if (!document.success)
        throw new CliError(
          `${file} is not a Brücke audit proof: ${z.prettifyError(document.error)}`,
          2,
        )
      const trusted = options.publicKey ? [options.publicKey.trim()] : undefined
      const result = checkProofDocument(document.data, trusted)
      if (!result.ok) throw new CliError(`proof INVALID: ${result.reason}`, 1)
      const origin = trusted
        ? 'signed with the given audit key'
        : `signed with the key inside the proof (${document.data.format === 'brucke-audit-inclusion-proof/v1' ? document.data.checkpoint.publicKey : document.data.to.publicKey}); pass --public-key to check its origin`
      context.out(
        result.kind === 'inclusion'
          ? `Proof valid: entry ${result.seq} is in the log of ${result.treeSize} entries checkpointed at ${result.checkpointAt}, ${origin}.`
          : `Proof valid: the log of ${result.fromSize} entries is a prefix of the log of ${result.toSize} entries, ${origin}.`,
      )
      return Promise.resolve()
    })

  audit
    .command('checkpoint')
    .description('sign a checkpoint of the current log now (if it grew)')
    .action(async () => {
      await withRuntime(context, async (deps) => {
        const outcome = await writeCheckpoint(deps)
        if (!outcome.checkpoint) return context.out('The audit log is empty; nothing to sign.')
        const c = outcome.checkpoint
        context.out(
          `${outcome.written ? 'Checkpoint signed' : 'No new entries; latest checkpoint'}: ${c.treeSize} entries, root ${c.rootHash}, at ${c.at}.`,
        )
      })
    })

  audit
    .command('public-key')
    .description('print the Ed25519 public key that signs checkpoints (SPKI, base64 and PEM)')
    .option('--pem', 'print PEM only')
    .action(async (options: { pem?: boolean }) => {
      await withRuntime(context, (deps) => {
        const key = deps.derivedKeys.audit
        const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString().trimEnd()
        context.out(options.pem ? pem : `${key.publicKeyBase64}\n${pem}`)
        return Promise.resolve()
      })
    })

  audit
    .command('purge')
    .description(
      'retention: erase expired personal values in audit entries and delete consent records whose time is up (serve does this every hour)',
    )
    .action(async () => {
      await withRuntime(context, async (deps) => {
        const outcome = await purgeExpiredData(deps)
        context.out(
          `Erased the personal values of ${outcome.entriesErased} audit entries older than ${outcome.auditBefore}.`,
        )
        context.out(
          `Deleted ${outcome.consentsPurged} consent records whose retention ended (consents that ended before ${outcome.consentsBefore}; declined, discarded and unsigned drafts after DRAFT_RETENTION_HOURS).`,
        )
        context.out(
          `Deleted ${outcome.inboxItemsPurged} inbox items received more than INBOX_RETENTION_DAYS ago.`,
        )
        context.out(
          `Deleted ${outcome.transferCopiesPurged} sealed sender copies of transfers made more than TRANSFER_COPY_RETENTION_DAYS ago.`,
        )
        context.out(
          `Deleted ${outcome.composerDraftsPurged} composer drafts last changed more than COMPOSER_DRAFT_RETENTION_DAYS ago.`,
        )
      })
    })
}
