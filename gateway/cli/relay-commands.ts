import type { Command } from 'commander'
import { RelayError } from '../relay/relay-error.ts'
import {
  cancelTransfer,
  listPausedPartners,
  pausePartner,
  resumePartner,
  retryTransfer,
  type LeverCaller,
} from '../relay/transfer-levers.ts'
import { CliError, withRuntime, type CliContext } from './cli-context.ts'

/** The operator at the server: every lever, every agency (consent/transfer-levers.ts). */
const operator: LeverCaller = { actor: { kind: 'operator' }, auditActor: 'cli:relay' }

/** CLI commands of the relay area: the operator's levers (issue 19 point 5). */
export function registerRelayCommands(program: Command, context: CliContext): void {
  const relay = program.command('relay').description('operate the relay: retry, cancel, pause')

  relay
    .command('retry')
    .description('send a failed transfer again (only while its consent still covers it)')
    .argument('<id>', 'transfer id')
    .action(async (id: string) => {
      await withRuntime(context, async (deps) => {
        try {
          await retryTransfer(deps, { caller: operator, id })
        } catch (error) {
          // The deny reasons are what the operator needs to see; the code alone says too little.
          if (error instanceof RelayError && error.code === 'transfer_denied') {
            const reasons = (error.details?.reasons as string[] | undefined) ?? []
            throw new CliError(`${error.message} Reasons: ${reasons.join(', ')} (transfer_denied).`)
          }
          throw error
        }
        context.out(`Transfer ${id} queued again; the delivery worker sends it on its next round.`)
      })
    })

  relay
    .command('cancel')
    .description('cancel a waiting or failed transfer for good')
    .argument('<id>', 'transfer id')
    .action(async (id: string) => {
      await withRuntime(context, async (deps) => {
        await cancelTransfer(deps, { caller: operator, id })
        context.out(`Transfer ${id} cancelled; it will not be sent.`)
      })
    })

  relay
    .command('pause')
    .description('pause delivery to one partner agency; its transfers stay queued')
    .requiredOption('--agency <id>', 'the partner agency')
    .action(async (options: { agency: string }) => {
      await withRuntime(context, async (deps) => {
        const pause = await pausePartner(deps, { caller: operator, agencyId: options.agency })
        context.out(
          `Delivery to ${pause.agencyId} paused since ${pause.pausedAt} (${pause.pausedBy}).`,
        )
      })
    })

  relay
    .command('resume')
    .description('resume delivery to a paused partner agency; its transfers are due at once')
    .requiredOption('--agency <id>', 'the partner agency')
    .action(async (options: { agency: string }) => {
      await withRuntime(context, async (deps) => {
        const result = await resumePartner(deps, { caller: operator, agencyId: options.agency })
        context.out(
          result.wasPaused
            ? `Delivery to ${result.agencyId} resumed; ${result.madeDue} waiting transfer(s) due now.`
            : `Delivery to ${result.agencyId} was not paused; nothing changed.`,
        )
      })
    })

  relay
    .command('paused')
    .description('list the partner agencies delivery is paused to')
    .action(async () => {
      await withRuntime(context, async (deps) => {
        const pauses = await listPausedPartners(deps)
        if (pauses.length === 0) context.out('No partner is paused.')
        for (const pause of pauses)
          context.out(`${pause.agencyId}\tpaused since ${pause.pausedAt}\tby ${pause.pausedBy}`)
      })
    })
}
