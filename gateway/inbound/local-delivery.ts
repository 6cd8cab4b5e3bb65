import type { TransferRecord } from '../../db/transfer-repository.ts'
import type { Deps } from '../deps.ts'
import { receiveSealedMessage } from './receive-sealed-message.ts'

/**
 * The single shared instance (issue 16, point 3): after the delivery worker's SMTP handoff of a
 * transfer (or notice) to an agency hosted here, the same sealed message goes through the receive
 * pipeline in-process (channel `local`), so the recipient's inbox shows it — verified exactly as
 * a partner's mail would be. Never throws: the transfer stays `delivered` whatever happens here;
 * a refusal is kept `quarantined` by the pipeline, an error is logged.
 */
export async function receiveLocalDelivery(
  deps: Deps,
  input: { transfer: TransferRecord; envelope: string },
): Promise<void> {
  const { transfer } = input
  try {
    const recipient = await deps.db
      .selectFrom('agencies')
      .select(['mailbox', 'hosted'])
      .where('id', '=', transfer.recipientAgencyId)
      .executeTakeFirst()
    if (recipient?.hosted !== 1) return
    const result = await receiveSealedMessage(deps, {
      raw: Buffer.from(input.envelope, 'latin1'),
      envelopeRecipients: [transfer.recipientMailbox ?? recipient.mailbox],
      channel: 'local',
      subjectPseudonym: transfer.subjectPseudonym,
    })
    if (result.outcome === 'refused')
      deps.log.warn(
        { transferId: transfer.id, reason: result.reason },
        'local delivery: the hosted recipient refused the message',
      )
  } catch (error) {
    deps.log.error({ err: error, transferId: transfer.id }, 'local delivery: receiving failed')
  }
}
