import { createHash } from 'node:crypto'
import type { Principal } from '../../accounts/roles.ts'
import { canonicalJson } from '../../audit/canonical-json.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import type { Consent, SignatoryRole } from '../../consent/consent.ts'
import { isSpecialCategory } from '../../consent/vocabulary.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  clearKioskState,
  clearPushedDraft,
  findKioskState,
  findPushedDraft,
  pushDraftToKiosk,
  startKioskState,
  updateKioskState,
  type KioskChoices,
  type KioskState,
  type KioskStep,
} from '../../db/kiosk-repository.ts'
import { findReceiptByCodeHash, insertReceipt } from '../../db/receipt-repository.ts'
import { findUser } from '../../db/account-repository.ts'
import {
  declineConsent,
  getConsent,
  pickUpDraft,
  revokeConsent,
  signConsent,
  type ConsentCaller,
} from '../consent/consent-service.ts'
import type { ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { KioskError } from './kiosk-error.ts'
import { kioskIdleSecondsOf } from './kiosk-settings.ts'
import { dropSummary, holdSummary, type KioskSummary } from './kiosk-summaries.ts'
import { hashReceiptCode, newReceiptCode } from './receipt-code.ts'

/** The languages the kiosk offers; German is binding (DESIGN.md §5). */
export const kioskLanguages = ['de', 'de-ls', 'en', 'ar', 'tr', 'uk', 'ru', 'fa'] as const
export type KioskLanguage = (typeof kioskLanguages)[number]
export const rtlLanguages: readonly string[] = ['ar', 'fa']

/** Signatories sign in this order; the youth first, because the youth's choice can change who else must sign. */
const signingOrder: readonly SignatoryRole[] = ['youth', 'guardian', 'entrusting_person']

export function kioskCallerOf(principal: Principal): ConsentCaller {
  return {
    actor: `kiosk:${principal.userId}`,
    role: 'kiosk',
    agencyId: principal.agencyId,
    userId: principal.userId,
  }
}

/** A kiosk session: the device's state and the consent it is about. */
export interface KioskSession {
  state: KioskState
  consent: ConsentView
}

const noChoices: KioskChoices = {
  deselectedCategories: [],
  deselectedRecipients: [],
  chosenSpecialCategories: [],
}

/**
 * The device's current session, or none. A session idle longer than `KIOSK_IDLE_SECONDS` is
 * wiped here as well, so even a kiosk whose browser script never ran shows nothing of the person.
 */
export async function currentKioskSession(
  deps: Deps,
  principal: Principal,
): Promise<KioskSession | undefined> {
  const state = await findKioskState(deps.db, principal.userId)
  if (!state) return undefined
  const now = deps.clock.now()
  const idleMs = kioskIdleSecondsOf(deps.config) * 1000
  if (now.getTime() - Date.parse(state.updatedAt) >= idleMs) {
    await wipeKiosk(deps, principal)
    return undefined
  }
  const consent = await getConsent(deps, {
    caller: kioskCallerOf(principal),
    consentId: state.consentId,
  })
  // A draft discarded by staff meanwhile, or signed elsewhere, ends the session.
  if (state.step !== 'receipt' && consent.status !== 'draft') {
    await wipeKiosk(deps, principal)
    return undefined
  }
  return { state, consent }
}

export async function requireKioskSession(deps: Deps, principal: Principal): Promise<KioskSession> {
  const session = await currentKioskSession(deps, principal)
  if (!session) throw new KioskError('ERR_KIOSK_NO_SESSION', 'There is nothing on this kiosk.')
  return session
}

async function begin(deps: Deps, principal: Principal, consent: ConsentView): Promise<void> {
  const now = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (trx) => {
    await clearPushedDraft(trx, principal.userId)
    await startKioskState(trx, {
      kioskId: principal.userId,
      consentId: consent.id,
      step: 'read',
      language: consent.text.language,
      choices: noChoices,
      receiptCode: null,
      startedAt: now,
      updatedAt: now,
    })
  })
}

/** Starts on the draft behind a pickup code typed on the kiosk. */
export async function startFromPickupCode(
  deps: Deps,
  principal: Principal,
  code: string,
): Promise<void> {
  const consent = await pickUpDraft(deps, { caller: kioskCallerOf(principal), code })
  await begin(deps, principal, consent)
}

/** Starts on the draft staff pushed to this kiosk. */
export async function startFromPush(deps: Deps, principal: Principal): Promise<void> {
  const pushed = await findPushedDraft(deps.db, principal.userId)
  if (!pushed) throw new KioskError('ERR_KIOSK_NOTHING_PUSHED', 'Nothing was sent to this kiosk.')
  const consent = await getConsent(deps, {
    caller: kioskCallerOf(principal),
    consentId: pushed.consentId,
  })
  if (consent.status !== 'draft') {
    await clearPushedDraft(deps.db, principal.userId)
    throw new KioskError('ERR_KIOSK_NOTHING_PUSHED', 'Nothing was sent to this kiosk.')
  }
  await begin(deps, principal, consent)
}

/** Whether a draft waits for this kiosk (the start screen offers it without naming anyone). */
export async function hasPushedDraft(deps: Deps, principal: Principal): Promise<boolean> {
  return (await findPushedDraft(deps.db, principal.userId)) !== undefined
}

export async function setKioskLanguage(
  deps: Deps,
  principal: Principal,
  language: KioskLanguage,
): Promise<KioskStep> {
  const { state } = await requireKioskSession(deps, principal)
  await updateKioskState(deps.db, principal.userId, { language, at: deps.clock.now() })
  return state.step
}

export async function moveToStep(deps: Deps, principal: Principal, step: KioskStep): Promise<void> {
  await requireKioskSession(deps, principal)
  await updateKioskState(deps.db, principal.userId, { step, at: deps.clock.now() })
}

/** Keeps the session alive while the person is reading. */
export async function touchKioskSession(deps: Deps, principal: Principal): Promise<void> {
  await updateKioskState(deps.db, principal.userId, { at: deps.clock.now() })
}

/**
 * The youth's choice, from the ticked boxes: everything not ticked is deselected; special
 * categories count only when ticked (never preselected). At least one recipient and one category
 * must remain.
 */
export async function saveChoices(
  deps: Deps,
  principal: Principal,
  ticked: { recipients: readonly string[]; categories: readonly string[] },
): Promise<void> {
  const { consent } = await requireKioskSession(deps, principal)
  const recipients = consent.recipients.filter((r) => ticked.recipients.includes(r))
  const categories = consent.categories.filter((c) => ticked.categories.includes(c))
  if (recipients.length === 0 || categories.length === 0)
    throw new KioskError(
      'ERR_KIOSK_CHOICE_EMPTY',
      'At least one recipient and one kind of data must remain.',
    )
  const choices: KioskChoices = {
    deselectedRecipients: consent.recipients.filter((r) => !recipients.includes(r)),
    deselectedCategories: consent.categories.filter(
      (c) => !categories.includes(c) && !isSpecialCategory(vocabulary, c),
    ),
    chosenSpecialCategories: categories.filter((c) => isSpecialCategory(vocabulary, c)),
  }
  await updateKioskState(deps.db, principal.userId, {
    choices,
    step: 'sign',
    at: deps.clock.now(),
  })
}

/** Who signs next at the kiosk, or null when everyone required has signed. */
export function nextSignatory(consent: ConsentView): SignatoryRole | null {
  if (!consent.signatures.some((s) => s.role === 'youth')) return 'youth'
  return signingOrder.find((role) => consent.missingSignatories.includes(role)) ?? null
}

/**
 * Records the next signature (drawn on the kiosk plus the typed name). When the consent becomes
 * active, a receipt is issued; its code stays on the device only until the wipe.
 */
export async function signAtKiosk(
  deps: Deps,
  principal: Principal,
  input: { name: string; evidence: string },
): Promise<{ complete: boolean }> {
  const { state, consent } = await requireKioskSession(deps, principal)
  if (!/^data:image\/png;base64,[A-Za-z0-9+/=]{100,}$/.test(input.evidence))
    throw new KioskError('ERR_KIOSK_SIGNATURE_EMPTY', 'Please sign in the box with your finger.')
  const role = nextSignatory(consent)
  if (!role) throw new KioskError('ERR_KIOSK_NO_SESSION', 'Everyone has signed already.')
  const caller = kioskCallerOf(principal)
  const isYouth = role === 'youth'
  const signed = await signConsent(deps, {
    caller,
    consentId: consent.id,
    signature: {
      role,
      name: input.name,
      method: 'kiosk_drawn',
      evidence: input.evidence,
      ...(isYouth
        ? {
            deselectedCategories: state.choices.deselectedCategories,
            deselectedRecipients: state.choices.deselectedRecipients,
            chosenSpecialCategories: state.choices.chosenSpecialCategories,
          }
        : {}),
    },
  })
  const now = deps.clock.now()
  if (signed.status !== 'active') {
    await touchKioskSession(deps, principal)
    return { complete: false }
  }
  const code = newReceiptCode()
  const receiptId = deps.ids.newId('rcp')
  await deps.db.transaction().execute(async (trx) => {
    await insertReceipt(trx, {
      id: receiptId,
      codeHash: hashReceiptCode(code, deps.config.secrets.masterKey),
      consentId: signed.id,
      subjectPseudonym: signed.subjectPseudonym,
      createdAt: now.toISOString(),
    })
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'receipt_issued',
        consentId: signed.id,
        subjectPseudonym: signed.subjectPseudonym,
        agencyId: principal.agencyId ?? signed.createdByAgencyId,
        receiptId,
      },
    })
    await updateKioskState(trx, principal.userId, { step: 'receipt', receiptCode: code, at: now })
  })
  return { complete: true }
}

/** "Nicht zustimmen": an audit entry that a draft was declined, then the wipe. */
export async function declineAtKiosk(deps: Deps, principal: Principal): Promise<void> {
  const { consent } = await requireKioskSession(deps, principal)
  await declineConsent(deps, { caller: kioskCallerOf(principal), consentId: consent.id })
  await wipeKiosk(deps, principal)
}

/** Clears everything the device holds about the person (finish, idle, or staff leaving). */
export async function wipeKiosk(deps: Deps, principal: Principal): Promise<void> {
  dropSummary(principal.userId)
  await clearKioskState(deps.db, principal.userId)
}

/**
 * Revocation at the kiosk (DESIGN.md §3.1 channel `kiosk`): the person identifies the consent
 * with the receipt code and the date of birth, as on the self-service page.
 */
export async function revokeAtKiosk(
  deps: Deps,
  principal: Principal,
  input: { receiptCode: string; birthDate: string },
): Promise<ConsentView> {
  const receipt = await findReceiptByCodeHash(
    deps.db,
    hashReceiptCode(input.receiptCode, deps.config.secrets.masterKey),
  )
  if (!receipt || receipt.birthDate !== input.birthDate)
    throw new KioskError('ERR_KIOSK_RECEIPT_UNKNOWN', 'Code or date of birth do not match.')
  return revokeConsent(deps, {
    caller: kioskCallerOf(principal),
    consentId: receipt.consentId,
    revocation: { channel: 'kiosk' },
  })
}

/**
 * Staff send a draft of their agency to a named kiosk of the same agency; the kiosk offers it on
 * its start screen. A kiosk of another agency is "not found".
 */
export async function pushDraft(
  deps: Deps,
  input: { caller: ConsentCaller; kioskId: string; consentId: string; summary?: KioskSummary },
): Promise<{ kioskId: string; consentId: string; pushedAt: string }> {
  const { caller } = input
  const kiosk = await findUser(deps.db, input.kioskId)
  if (!kiosk || kiosk.role !== 'kiosk' || kiosk.agencyId !== caller.agencyId || kiosk.disabled)
    throw new KioskError('ERR_KIOSK_NOT_FOUND', 'No kiosk with this id in your agency.')
  const consent = await getConsent(deps, { caller, consentId: input.consentId })
  if (consent.status !== 'draft')
    throw new KioskError('ERR_KIOSK_NOT_CONFIRMABLE', 'Only a draft can be sent to a kiosk.')
  if (input.summary) {
    if (!consent.singleTransfer)
      throw new KioskError(
        'ERR_KIOSK_SUMMARY_MISMATCH',
        'Only a single-transfer consent carries a case summary.',
      )
    holdSummary(kiosk.id, consent.id, consent.singleTransfer.summarySha256, input.summary)
  }
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    await pushDraftToKiosk(trx, {
      kioskId: kiosk.id,
      consentId: consent.id,
      pushedBy: caller.userId,
      at: now,
    })
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'kiosk_draft_pushed',
        consentId: consent.id,
        agencyId: caller.agencyId as string,
        kioskId: kiosk.id,
      },
    })
  })
  return { kioskId: kiosk.id, consentId: consent.id, pushedAt: now.toISOString() }
}

/**
 * The consent's own fingerprint for the receipt: SHA-256 over the canonical JSON (RFC 8785) of
 * the signed record without the drawn images, so the receipt can later be matched to the record.
 */
export function consentRecordSha256(consent: Consent): string {
  const record = {
    id: consent.id,
    kind: consent.kind,
    scope: consent.scope,
    subjectPseudonym: consent.subjectPseudonym,
    senders: consent.senders,
    recipients: consent.recipients,
    purposes: consent.purposes,
    categories: consent.categories,
    deselectedCategories: consent.deselectedCategories,
    deselectedRecipients: consent.deselectedRecipients,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    text: consent.text,
    signatures: consent.signatures.map((s) => ({
      role: s.role,
      name: s.name,
      signedAt: s.signedAt,
      method: s.method,
      evidenceSha256: s.evidenceSha256,
    })),
  }
  return createHash('sha256').update(canonicalJson(record), 'utf8').digest('hex')
}
