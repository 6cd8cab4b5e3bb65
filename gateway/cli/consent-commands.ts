import type { Command } from 'commander'
import { vocabulary } from '../../config/vocabulary.ts'
import { localized } from '../../consent/vocabulary.ts'
import { consentTemplates } from '../consent/consent-texts.ts'
import { recordExpiredConsents } from '../consent/expiry-sweeper.ts'
import { withRuntime, type CliContext } from './cli-context.ts'

/** CLI commands of the consent area: vocabulary, text templates, the expiry sweep. */
export function registerConsentCommands(program: Command, context: CliContext): void {
  const consent = program.command('consent').description('consent vocabulary, texts and upkeep')

  consent
    .command('vocabulary')
    .description('list the purposes and data categories (DESIGN.md §5)')
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
    .description('list the consent text templates by id, version and language')
    .action(() => {
      for (const t of consentTemplates())
        context.out(`${t.templateId.padEnd(28)} v${t.version}  ${t.language}`)
    })

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
