import type { Command } from 'commander'
import type { PrivacyNotice } from '../../accounts/account-schemas.ts'
import { roleSchema } from '../../accounts/roles.ts'
import { findUser, listAgencies, listEnabledAdminIds } from '../../db/account-repository.ts'
import {
  disableAccount,
  enableAccount,
  endAllSessions,
  resetPassword,
  revokeAllTokens,
  revokeToken,
} from '../accounts/account-lockout.ts'
import { addAgency, addUser, setAgencyPrivacyNotice } from '../accounts/account-service.ts'
import { issueApiToken } from '../accounts/issue-api-token.ts'
import { generatePassword } from '../auth/password.ts'
import { tokenIdSchema } from '../auth/tokens.ts'
import type { Deps } from '../deps.ts'
import { CliError, withRuntime, type CliContext } from './cli-context.ts'

const privacyOptionHelp = {
  controller: 'Art. 13 GDPR: the controller, legal name and postal address',
  dpoContact: 'Art. 13 GDPR: how to reach the data protection officer',
  supervisoryAuthority: 'Art. 13 GDPR: the competent supervisory authority with its address',
}

interface PrivacyOptions {
  controller?: string
  dpoContact?: string
  supervisoryAuthority?: string
}

/** The three options together or none (the schema checks each value). */
function privacyNoticeOf(options: PrivacyOptions, required: boolean): PrivacyNotice | null {
  const { controller, dpoContact, supervisoryAuthority } = options
  if (controller === undefined && dpoContact === undefined && supervisoryAuthority === undefined)
    if (!required) return null
  if (controller === undefined || dpoContact === undefined || supervisoryAuthority === undefined)
    throw new CliError(
      'Give --controller, --dpo-contact and --supervisory-authority together (Art. 13 GDPR).',
    )
  return { controller, dpoContact, supervisoryAuthority }
}

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
    .option('--controller <text>', privacyOptionHelp.controller)
    .option('--dpo-contact <text>', privacyOptionHelp.dpoContact)
    .option('--supervisory-authority <text>', privacyOptionHelp.supervisoryAuthority)
    .action(
      async (
        options: {
          id: string
          name: string
          kind: string
          mailbox: string
          profile: string
        } & PrivacyOptions,
      ) => {
        await withRuntime(context, async (deps) => {
          const added = await addAgency(deps, {
            actor: 'system',
            agency: {
              id: options.id,
              name: options.name,
              kind: options.kind as never,
              mailbox: options.mailbox,
              smimeProfile: options.profile as never,
              privacyNotice: privacyNoticeOf(options, false),
            },
          })
          context.out(
            `Agency ${added.id} registered (${added.kind}, ${added.mailbox}, profile ${added.smimeProfile}).`,
          )
          if (!added.privacyNotice)
            context.err(
              `No consent naming ${added.id} can be prepared until its Art. 13 GDPR information is entered: brucke agency privacy-notice --id ${added.id} …`,
            )
        })
      },
    )
  agency
    .command('privacy-notice')
    .description(
      'enter or change what consent texts tell the person about an agency (Art. 13 GDPR): controller, data protection officer, supervisory authority',
    )
    .requiredOption('--id <id>', 'the agency')
    .requiredOption('--controller <text>', privacyOptionHelp.controller)
    .requiredOption('--dpo-contact <text>', privacyOptionHelp.dpoContact)
    .requiredOption('--supervisory-authority <text>', privacyOptionHelp.supervisoryAuthority)
    .action(async (options: { id: string } & PrivacyOptions) => {
      await withRuntime(context, async (deps) => {
        const updated = await setAgencyPrivacyNotice(deps, {
          actor: 'system',
          agencyId: options.id,
          notice: privacyNoticeOf(options, true) as PrivacyNotice,
        })
        context.out(
          `Agency ${updated.id}: Art. 13 information set. New consents show it; consents drafted before keep theirs.`,
        )
      })
    })
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
            `${a.id.padEnd(16)} ${a.kind.padEnd(10)} ${a.mailbox.padEnd(36)} ${a.smimeProfile.padEnd(10)} ${a.name}${a.privacyNotice ? '' : ' [no Art. 13 information]'}`,
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

  const user = program.command('user').description('manage accounts')
  user
    .command('add')
    .description('create an account for staff, a DPO, an admin or a kiosk')
    .requiredOption('--id <id>', 'login name')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', 'staff | dpo | admin | kiosk')
    .option('--agency <id>', 'agency the account belongs to')
    .option('--all-agencies', 'a DPO who may read every agency')
    .option('--password <password>', 'initial password (else BRUCKE_NEW_PASSWORD or generated)')
    .action(addAccount)
  registerLockoutCommands(user, context, { option: '--user <id>', kioskOnly: false })

  const kiosk = program.command('kiosk').description('manage kiosk devices')
  kiosk
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
  registerLockoutCommands(kiosk, context, { option: '--kiosk <id>', kioskOnly: true })

  // `token --user` issues, `token revoke` revokes; positional options (buildProgram) keep the
  // subcommand's `--user` apart from the parent's.
  const token = program
    .command('token')
    .description('print an API bearer token for an account (its id, the jti, goes to stderr)')
    .enablePositionalOptions()
    .option('--user <id>', 'account id')
    .option('--ttl-minutes <minutes>', 'lifetime in minutes, at most TOKEN_TTL_MINUTES (default)')
    .option('--json', 'print { token, tokenId, expiresAt } as JSON on stdout')
    .action(async (options: { user?: string; ttlMinutes?: string; json?: boolean }) => {
      if (!options.user) throw new CliError('--user <id> is required (or: brucke token revoke)')
      const userId = options.user
      await withRuntime(context, async (deps) => {
        const max = deps.config.tokenTtlMinutes
        const ttl = options.ttlMinutes === undefined ? max : Number(options.ttlMinutes)
        if (!Number.isInteger(ttl) || ttl < 1 || ttl > max)
          throw new CliError(
            `--ttl-minutes must be a whole number from 1 to ${max} (TOKEN_TTL_MINUTES)`,
          )
        const issued = await issueApiToken(deps, { actor: cliActor, userId, ttlMinutes: ttl })
        if (options.json) {
          context.out(
            JSON.stringify({
              token: issued.token,
              tokenId: issued.tokenId,
              expiresAt: issued.expiresAt.toISOString(),
            }),
          )
          return
        }
        context.out(issued.token)
        context.err(
          `Token id (jti) ${issued.tokenId}, valid until ${issued.expiresAt.toISOString()}. ` +
            `Revoke it with: brucke token revoke --jti ${issued.tokenId}`,
        )
      })
    })
  token
    .command('revoke')
    .description('revoke one token by its id, or every token of an account')
    .option('--jti <id>', 'the token id printed by brucke token')
    .option('--user <id>', 'revoke every token of this account issued up to now')
    .action(async (options: { jti?: string; user?: string }) => {
      if ((options.jti === undefined) === (options.user === undefined))
        throw new CliError('give either --jti <id> or --user <id>')
      await withRuntime(context, async (deps) => {
        if (options.jti !== undefined) {
          const tokenId = tokenIdSchema.safeParse(options.jti)
          if (!tokenId.success) throw new CliError('--jti is not a token id')
          const revoked = await revokeToken(deps, { actor: cliActor, tokenId: tokenId.data })
          context.out(
            revoked.changed
              ? `Token ${revoked.tokenId} of ${revoked.account.id} revoked.`
              : `Token ${revoked.tokenId} of ${revoked.account.id} was revoked already.`,
          )
          return
        }
        const revoked = await revokeAllTokens(deps, { actor: cliActor, userId: options.user! })
        context.out(
          `Every token of ${revoked.account.id} issued up to ${revoked.tokensNotBefore.toISOString()} is revoked.`,
        )
      })
    })
}

/** The actor of account changes made with the CLI (the operator at the server). */
const cliActor = 'cli:accounts' as const

/**
 * `disable`, `enable`, `reset-password` and `end-sessions` under `user` (any account, `--user`)
 * and `kiosk` (`--kiosk`, refusing an account that is not a kiosk device).
 */
function registerLockoutCommands(
  parent: Command,
  context: CliContext,
  options: { option: '--user <id>' | '--kiosk <id>'; kioskOnly: boolean },
): void {
  const what = options.kioskOnly ? 'kiosk device' : 'account'
  const run =
    (action: (deps: Deps, userId: string) => Promise<void>) =>
    async (flags: { user?: string; kiosk?: string }) => {
      const userId = (options.kioskOnly ? flags.kiosk : flags.user) ?? ''
      await withRuntime(context, async (deps) => {
        if (options.kioskOnly) {
          const found = await findUser(deps.db, userId)
          if (found && found.role !== 'kiosk')
            throw new CliError(`${userId} is not a kiosk device (use brucke user …).`)
        }
        await action(deps, userId)
      })
    }

  parent
    .command('disable')
    .description(
      `disable the ${what}: no sign-in, sessions ended, every token revoked` +
        (options.kioskOnly ? ', the device state wiped' : ' (a kiosk device: its state wiped)'),
    )
    .requiredOption(options.option, `${what} id`)
    .action(
      run(async (deps, userId) => {
        const result = await disableAccount(deps, {
          actor: cliActor,
          userId,
          protectLastAdmin: false,
        })
        if (!result.changed) return context.out(`${userId} was disabled already.`)
        context.out(
          `${userId} disabled: ${result.sessionsEnded} session(s) ended, every token issued up to ` +
            `${result.tokensNotBefore?.toISOString()} revoked` +
            (result.account.role === 'kiosk' ? ', kiosk state wiped.' : '.'),
        )
        if (
          result.account.role === 'admin' &&
          (await listEnabledAdminIds(deps.db, { lock: false })).length === 0
        )
          context.err(
            `No enabled admin remains. Re-enable with: brucke user enable --user ${userId}`,
          )
      }),
    )

  parent
    .command('enable')
    .description(`enable a disabled ${what} (its old tokens stay revoked)`)
    .requiredOption(options.option, `${what} id`)
    .action(
      run(async (deps, userId) => {
        const result = await enableAccount(deps, { actor: cliActor, userId })
        context.out(
          result.changed
            ? `${userId} enabled. Tokens issued before stay revoked.`
            : `${userId} was enabled already.`,
        )
      }),
    )

  parent
    .command('reset-password')
    .description(`set a new generated password (printed once), end sessions, revoke tokens`)
    .requiredOption(options.option, `${what} id`)
    .action(
      run(async (deps, userId) => {
        const result = await resetPassword(deps, { actor: cliActor, userId })
        context.out(
          `Password of ${userId} reset: ${result.sessionsEnded} session(s) ended, every token revoked.`,
        )
        context.out(`New password (shown once): ${result.password}`)
      }),
    )

  parent
    .command('end-sessions')
    .description(`end every browser session of the ${what}`)
    .requiredOption(options.option, `${what} id`)
    .action(
      run(async (deps, userId) => {
        const result = await endAllSessions(deps, { actor: cliActor, userId })
        context.out(`${result.sessionsEnded} session(s) of ${userId} ended.`)
      }),
    )
}
