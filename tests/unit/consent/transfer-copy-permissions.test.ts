import { describe, expect, it } from 'vitest'
import {
  authorizeTransferCopyAction,
  type TransferCopyAction,
  type TransferCopyActor,
  type TransferCopyFacts,
} from '../../../consent/transfer-copy-permissions.ts'

/** A transfer the Jobcenter sent to the Jugendamt. */
const sent: TransferCopyFacts = { kind: 'transfer', senderAgencyId: 'jc-demo' }
const actions: TransferCopyAction[] = ['view', 'download_copy']
const notFound = { allowed: false, code: 'ERR_RELAY_TRANSFER_NOT_FOUND' }
const senderStaff: TransferCopyActor = { kind: 'staff', agencyId: 'jc-demo' }

/** Every party but the sending agency's staff. */
const others: Record<string, TransferCopyActor> = {
  'staff of the recipient agency': { kind: 'staff', agencyId: 'ja-demo' },
  'staff of another agency': { kind: 'staff', agencyId: 'aa-demo' },
  'the sending agency’s DPO': { kind: 'dpo', agencyId: 'jc-demo' },
  'a DPO of all agencies': { kind: 'dpo', agencyId: null },
  'the sending agency’s admin': { kind: 'admin', agencyId: 'jc-demo' },
  'the instance admin': { kind: 'admin', agencyId: null },
  'the sending agency’s kiosk': { kind: 'kiosk', agencyId: 'jc-demo' },
  'a /me session': { kind: 'self_service', agencyId: null },
  'anonymous (a worker or no session)': { kind: 'system', agencyId: null },
}

describe('who may open what an agency sent', () => {
  it('allows staff of the sending agency to view a transfer and download its copy', () => {
    for (const action of actions)
      expect(authorizeTransferCopyAction(senderStaff, action, sent)).toEqual({ allowed: true })
  })

  it.each(Object.entries(others))('refuses %s as "not found"', (_name, actor) => {
    for (const action of actions)
      expect(authorizeTransferCopyAction(actor, action, sent)).toMatchObject(notFound)
  })

  it('refuses a receipt owed to a partner: it is no transfer', () => {
    for (const action of actions)
      expect(
        authorizeTransferCopyAction(senderStaff, action, { ...sent, kind: 'receipt' }),
      ).toMatchObject(notFound)
  })

  it('shows a revocation notice’s page but has no case-file copy of it', () => {
    const notice: TransferCopyFacts = { ...sent, kind: 'revocation_notice' }
    expect(authorizeTransferCopyAction(senderStaff, 'view', notice)).toEqual({ allowed: true })
    expect(authorizeTransferCopyAction(senderStaff, 'download_copy', notice)).toMatchObject(
      notFound,
    )
  })
})
