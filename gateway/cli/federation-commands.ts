import { readFileSync, writeFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import type { Command } from 'commander'
import { smimeProfileSchema } from '../../accounts/account-schemas.ts'
import type { CardPreview } from '../federation/import-partner-card.ts'
import { exportPartnerCard } from '../federation/export-partner-card.ts'
import { importPartnerCard, previewPartnerCard } from '../federation/import-partner-card.ts'
import { setAgencyProfile } from '../federation/set-agency-profile.ts'
import { CliError, withRuntime } from './cli-context.ts'
import type { CliContext } from './cli-context.ts'

/** Largest card file read (a card holds at most 16 certificates and one signature). */
const maxCardBytes = 512 * 1024

/** The fingerprints an operator reads to the partner over the phone (issue 16, point 1). */
export function describeCard(preview: CardPreview): string[] {
  const { card, fingerprints } = preview
  return [
    `Partner card of ${card.agency.id} (${card.agency.name}, ${card.agency.kind})`,
    `  mailbox:        ${card.agency.mailbox}`,
    `  S/MIME profile: ${card.agency.smimeProfile}`,
    `  inbound SMTP:   ${card.inboundSmtp}`,
    `  CRL URL:        ${card.crlUrl ?? '(none)'}`,
    `  issued at:      ${card.issuedAt}`,
    `SHA-256 of the card: ${fingerprints.card}`,
    ...fingerprints.certificates.map(
      (c, i) =>
        `SHA-256 of certificate ${i + 1}${i === 0 ? ' (current)' : ''}: ${c.sha256}  ${c.subject}, valid until ${c.notAfter.slice(0, 10)}`,
    ),
    ...fingerprints.caChain.map(
      (c, i) =>
        `SHA-256 of ${i === fingerprints.caChain.length - 1 ? 'the root CA' : 'intermediate CA'}: ${c.sha256}  ${c.subject}`,
    ),
  ]
}

/**
 * Federation commands under `brucke agency`: `card` (export a hosted agency's signed card),
 * `import-card` (a partner's, after its fingerprints are confirmed) and `set-profile`.
 */
export function registerFederationCommands(program: Command, context: CliContext): void {
  const path = (file: string): string => (isAbsolute(file) ? file : resolve(context.cwd, file))
  const agency =
    program.commands.find((command) => command.name() === 'agency') ??
    program.command('agency').description('register and list agencies')

  agency
    .command('card')
    .description("export a hosted agency's partner card, signed with its key")
    .requiredOption('--agency <id>', 'agency id (hosted here)')
    .requiredOption('--out <file>', 'file to write the card to')
    .option('--inbound <url>', 'smtp://host:port where partners deliver (default from config)')
    .action(async (options: { agency: string; out: string; inbound?: string }) => {
      await withRuntime(context, async (deps) => {
        const exported = await exportPartnerCard(deps, {
          actor: 'system',
          agencyId: options.agency,
          ...(options.inbound === undefined ? {} : { inboundSmtp: options.inbound }),
        })
        try {
          writeFileSync(path(options.out), exported.text)
        } catch {
          throw new CliError(`cannot write ${options.out}`)
        }
        context.out(`Partner card of ${options.agency} written to ${path(options.out)}.`)
        context.out(`SHA-256 of the card: ${exported.cardSha256}`)
        context.out('Give the partner the file, and the fingerprint by another channel (phone).')
      })
    })

  agency
    .command('import-card <file>')
    .description("import a partner agency's card after checking its fingerprints")
    .option('--yes', 'import without asking (fingerprints compared beforehand)')
    .action(async (file: string, options: { yes?: boolean }) => {
      let bytes: Buffer
      try {
        bytes = readFileSync(path(file))
      } catch {
        throw new CliError(`cannot read the card file ${file}`)
      }
      if (bytes.length > maxCardBytes) throw new CliError(`${file} is too large for a card`)
      await withRuntime(context, async (deps) => {
        const preview = await previewPartnerCard(deps, bytes)
        for (const line of describeCard(preview)) context.out(line)
        if (options.yes !== true) {
          if (context.confirm === undefined)
            throw new CliError(
              'not imported: compare the fingerprints with the partner, then run again with --yes (no terminal to ask)',
            )
          const confirmed = await context.confirm(
            'Do these fingerprints match what the partner told you?',
          )
          if (!confirmed) throw new CliError('not imported.')
        }
        const imported = await importPartnerCard(deps, { actor: 'system', bytes })
        context.out(
          `Imported ${imported.card.agency.id} as a partner agency` +
            ` (${imported.added.length} certificate(s) added` +
            (imported.retiring.length > 0 && imported.retireAt !== null
              ? `, ${imported.retiring.length} retiring on ${imported.retireAt.toISOString()}`
              : '') +
            ').',
        )
      })
    })

  agency
    .command('set-profile')
    .description("change an agency's S/MIME recipient profile")
    .requiredOption('--agency <id>', 'agency id')
    .requiredOption('--profile <profile>', 'modern | compatible')
    .action(async (options: { agency: string; profile: string }) => {
      const profile = smimeProfileSchema.safeParse(options.profile)
      if (!profile.success) throw new CliError('--profile must be modern or compatible')
      await withRuntime(context, async (deps) => {
        const result = await setAgencyProfile(deps, {
          actor: 'system',
          agencyId: options.agency,
          profile: profile.data,
        })
        context.out(
          result.changed
            ? `S/MIME profile of ${options.agency} is now ${profile.data}.`
            : `S/MIME profile of ${options.agency} was already ${profile.data}.`,
        )
      })
    })
}
