import type { Command } from 'commander'
import { vocabulary } from '../../config/vocabulary.ts'
import { localized } from '../../consent/vocabulary.ts'
import { approveConsentText, listConsentTexts } from '../consent/consent-texts.ts'
import { recordExpiredConsents } from '../consent/expiry-sweeper.ts'
import { ConsentError } from '../../consent/errors.ts'
import { findUser } from '../../db/account-repository.ts'
import { CliError, withRuntime, type CliContext } from './cli-context.ts'

/** CLI commands of the consent area: vocabulary, text templates, the expiry sweep. */
export function registerConsentCommands(program: Command, context: CliContext): void {
  const consent = program.command('consent').description('consent vocabulary, texts and upkeep')

  consent
    .command('vocabulary')
    .description('list the purposes and data categories (docs/design.md §5)')
    .action(() => {
      context.out('Purposes:')
      for (const [id, term] of Object.entries(vocabulary.purposes))
        context.out(`  ${id.padEnd(18)} ${localized(term.label, 'de')}`)
      context.out('Data categories:')
      for (const [id, term] of Object.entries(vocabulary.categories)) {
        const marks = [
          term.sensitivity === 'normal'
            ? ''
            : term.sensitivity === 'art9'
              ? 'Art. 9 DSGVO'
              : 'Art. 10 DSGVO',
          term.section65 ? '§ 65 SGB VIII' : '',
        ].filter(Boolean)
        context.out(
          `  ${id.padEnd(18)} ${localized(term.label, 'de')}${marks.length ? ` [${marks.join(', ')}]` : ''}`,
        )
      }
    })

  consent
    .command('templates')
    .description('list the consent text templates by id, version and language, with approvals')
    .action(async () => {
      await withRuntime(context, async (deps) => {
        for (const t of await listConsentTexts(deps))
          context.out(
            `${t.templateId.padEnd(28)} v${t.version}  ${t.language.padEnd(6)} ${
              t.approved
                ? `approved by ${t.approvedBy ?? ''} ${t.approvedAt ?? ''}`
                : 'NOT APPROVED'
            }  sha256:${t.bodySha256.slice(0, 16)}…`,
          )
      })
    })

  consent
    .command('approve-text')
    .description(
      'approve a consent text template version in one language (the DPO; new drafts then use the newest approved version)',
    )
    .requiredOption('--template <id>', 'template id (einwilligung, schweigepflichtsentbindung)')
    .requiredOption('--text-version <n>', 'template version number')
    .requiredOption('--language <code>', 'language (de, de-ls, en, ar, tr, uk, ru, fa)')
    .requiredOption('--by <user>', 'the approving DPO account (recorded in the audit log)')
    .action(
      async (options: { template: string; textVersion: string; language: string; by: string }) => {
        const version = Number(options.textVersion)
        if (!Number.isInteger(version) || version < 1)
          throw new CliError('--text-version must be a positive whole number.')
        await withRuntime(context, async (deps) => {
          const user = await findUser(deps.db, options.by)
          if (!user || user.role !== 'dpo' || user.disabled)
            throw new CliError(`${options.by} is not an enabled DPO account.`)
          try {
            const info = await approveConsentText(deps, {
              actor: `cli:${user.id}`,
              templateId: options.template,
              version,
              language: options.language,
            })
            context.out(
              `approved ${info.templateId} v${info.version} ${info.language} (sha256 ${info.bodySha256})`,
            )
          } catch (error) {
            if (error instanceof ConsentError) throw new CliError(error.message)
            throw error
          }
        })
      },
    )

  consent
    .command('sweep-expired')
    .description(
      'write consent_expired audit entries for consents past their end (serve does this every minute)',
    )
    .action(async () => {
      await withRuntime(context, async (deps) => {
        const written = await recordExpiredConsents(deps)
        context.out(`${written} expired consent(s) recorded.`)
      })
    })
}
