import type { TransferLeverRefusalCode } from '../../consent/transfer-levers.ts'

/**
 * Why a lever on the admin page was refused, in German for the administration (issue 19 point 5).
 * `transfer_denied` is the refused retry: the consent no longer covers the transfer; its reasons
 * stand beside the sentence.
 */
export const transferLeverTexts = {
  ERR_LEVER_NOT_FOUND: 'Diese Übermittlung gibt es nicht, oder sie gehört nicht zu Ihrer Behörde.',
  ERR_LEVER_NOT_ALLOWED: 'Das darf nur die Administration dieser Behörde oder der Betrieb.',
  ERR_LEVER_NOT_FAILED: 'Nur eine fehlgeschlagene Übermittlung wird erneut gesendet.',
  ERR_LEVER_NOT_WAITING:
    'Nur eine wartende oder fehlgeschlagene Übermittlung kann abgebrochen werden.',
  ERR_LEVER_NOTICE_NOT_CANCELLABLE:
    'Eine Widerrufsmitteilung steht der Partnerbehörde zu: Sie kann erneut gesendet, aber nicht ' +
    'abgebrochen werden.',
  ERR_LEVER_MESSAGE_GONE:
    'Die versiegelte Nachricht dieser Übermittlung ist nicht mehr gespeichert; sie muss neu ' +
    'eingereicht werden.',
  ERR_LEVER_IN_DELIVERY:
    'Die Übermittlung wird gerade an den Mailserver übergeben oder wurde inzwischen abgeschlossen. ' +
    'Bitte den Stand neu laden.',
  ERR_LEVER_AGENCY_UNKNOWN: 'Diese Behörde gibt es nicht.',
  transfer_denied:
    'Die Einwilligung deckt diese Übermittlung nicht mehr; sie wird nicht erneut gesendet.',
} as const satisfies Record<TransferLeverRefusalCode | 'transfer_denied', string>

export type TransferLeverTextCode = keyof typeof transferLeverTexts

export function isTransferLeverTextCode(code: string): code is TransferLeverTextCode {
  return Object.hasOwn(transferLeverTexts, code)
}
