import type { Command } from 'commander'
import { roleSchema } from '../../accounts/roles.ts'
import { findUser, listAgencies } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { addAgency, addUser } from '../accounts/account-service.ts'
import { generatePassword } from '../auth/password.ts'
import { issueToken } from '../auth/tokens.ts'
import { CliError, withRuntime, type CliContext } from './cli-context.ts'

export function registerAccountCommands(program: Command, context: CliContext): void {
  const agency = program.command('agency').description('register and list agencies')
  agency
    .command('add')
    .description('register an agency')
    .requiredOption('--id <id>', 'short identifier, e.g. jc-augsburg')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--kind <kind>', 'jobcenter | agentur | jugendamt | traeger')
    .requiredOption('--mailbox <address>', 'functional mailbox for S/MIME mail')
    .option('--profile <profile>', 'S/MIME recipient profile: modern | compatible', 'modern')
    .action(
      async (options: {
        id: string
        name: string
        kind: string
        mailbox: string
        profile: string
      }) => {
        await withRuntime(context, async (deps) => {
          const added = await addAgency(deps, {
            actor: 'system',
            agency: {
              id: options.id,
              name: options.name,
              kind: options.kind as never,
              mailbox: options.mailbox,
              smimeProfile: options.profile as never,
            },
          })
          context.out(
            `Agency ${added.id} registered (${added.kind}, ${added.mailbox}, profile ${added.smimeProfile}).`,
          )
        })
      },
    )
  agency
    .command('list')
    .description('list agencies')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withRuntime(context, async (deps) => {
        const agencies = await listAgencies(deps.db)
        if (options.json) return context.out(JSON.stringify(agencies, null, 2))
        if (agencies.length === 0) return context.out('No agencies registered.')
        for (const a of agencies)
          context.out(
            `${a.id.padEnd(16)} ${a.kind.padEnd(10)} ${a.mailbox.padEnd(36)} ${a.smimeProfile.padEnd(10)} ${a.name}`,
          )
      })
    })

  const addAccount = async (options: {
    id: string
    name: string
    role: string
    agency?: string
    allAgencies?: boolean
    password?: string
  }) => {
    const role = roleSchema.safeParse(options.role)
    if (!role.success) throw new CliError(`--role must be one of ${roleSchema.options.join(', ')}`)
    const password = options.password ?? context.env.BRUCKE_NEW_PASSWORD ?? generatePassword()
    await withRuntime(context, async (deps) => {
      const user = await addUser(deps, {
        actor: 'system',
        user: {
          id: options.id,
          displayName: options.name,
          role: role.data,
          agencyId: options.agency ?? null,
          allAgencies: options.allAgencies ?? false,
          password,
        },
      })
      context.out(
        `Account ${user.id} (${user.role}${user.agencyId ? `, ${user.agencyId}` : ''}) created.`,
      )
      if (!options.password && !context.env.BRUCKE_NEW_PASSWORD)
        context.out(`Password (shown once): ${password}`)
    })
  }

  program
    .command('user')
    .description('manage accounts')
    .command('add')
    .description('create an account for staff, a DPO, an admin or a kiosk')
    .requiredOption('--id <id>', 'login name')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', 'staff | dpo | admin | kiosk')
    .option('--agency <id>', 'agency the account belongs to')
    .option('--all-agencies', 'a DPO who may read every agency')
    .option('--password <password>', 'initial password (else BRUCKE_NEW_PASSWORD or generated)')
    .action(addAccount)

  program
    .command('kiosk')
    .description('manage kiosk devices')
    .command('add')
    .description('register a kiosk device bound to an agency')
    .requiredOption('--id <id>', 'device name, e.g. kiosk-eingang')
    .requiredOption('--agency <id>', 'agency the kiosk stands in')
    .option('--name <name>', 'display name')
    .action(async (options: { id: string; agency: string; name?: string }) =>
      addAccount({
        id: options.id,
        name: options.name ?? `Kiosk ${options.id}`,
        role: 'kiosk',
        agency: options.agency,
      }),
    )

  program
    .command('token')
    .description('print an API bearer token for an account')
    .requiredOption('--user <id>', 'account id')
    .option('--ttl-minutes <minutes>', 'lifetime in minutes (default TOKEN_TTL_MINUTES)')
    .action(async (options: { user: string; ttlMinutes?: string }) => {
      await withRuntime(context, async (deps) => {
        const user = await findUser(deps.db, options.user)
        if (!user) throw new CliError(`No account ${options.user}.`)
        if (user.disabled) throw new CliError(`Account ${options.user} is disabled.`)
        const ttl =
          options.ttlMinutes === undefined
            ? deps.config.tokenTtlMinutes
            : Number(options.ttlMinutes)
        if (!Number.isInteger(ttl) || ttl < 1 || ttl > 60 * 24 * 30)
          throw new CliError('--ttl-minutes must be a whole number from 1 to 43200')
        const now = deps.clock.now()
        const { token, expiresAt } = await issueToken({
          key: deps.config.secrets.tokenKey,
          userId: user.id,
          role: user.role,
          agencyId: user.agencyId,
          now,
          ttlMinutes: ttl,
        })
        await appendAuditEvent(deps.db, {
          at: now,
          actor: `cli:${user.id}`,
          event: { type: 'token_issued', userId: user.id, expiresAt: expiresAt.toISOString() },
        })
        context.out(token)
      })
    })
}
