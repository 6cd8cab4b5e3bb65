import type { Principal } from '../../accounts/roles.ts'
import { vocabulary } from '../../config/vocabulary.ts'
import type { RenderedConsentText } from '../../consent/consent-text.ts'
import {
  isKioskSignatureMethod,
  signatoryRoleSchema,
  type KioskSignatureMethod,
  type SignatoryRole,
} from '../../consent/consent.ts'
import { ConsentError } from '../../consent/errors.ts'
import { authorizeConsentAction } from '../../consent/permissions.ts'
import { isSpecialCategory } from '../../consent/vocabulary.ts'
import { findUser } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { findConsent } from '../../db/consent-repository.ts'
import {
  clearKioskState,
  clearPushedDraft,
  findKioskState,
  findPushedDraft,
  pushDraftToKiosk,
  startKioskState,
  updateKioskState,
  type KioskChoices,
  type KioskPurpose,
  type KioskState,
  type KioskStep,
} from '../../db/kiosk-repository.ts'
import { findReceiptByCodeHash, insertReceipt } from '../../db/receipt-repository.ts'
import {
  agencyOfCaller,
  consentActorOf,
  liveKioskState,
  partyFactsOf,
} from '../consent/consent-caller.ts'
import {
  declineConsent,
  getConsent,
  pickUpDraft,
  revokeConsent,
  signConsent,
  type ConsentCaller,
  type DeclineInput,
} from '../consent/consent-service.ts'
import { renderTextOfConsent } from '../consent/consent-texts.ts'
import type { ConsentView } from '../consent/consent-view.ts'
import type { Deps } from '../deps.ts'
import { confirmAtMajority } from '../self-service/majority-confirmation.ts'
import { KioskError } from './kiosk-error.ts'
import type { KioskSummary } from './kiosk-summaries.ts'
import { hashReceiptCode, newReceiptCode } from './receipt-code.ts'
import { personLanguages, type PersonLanguage } from '../../templates/pages/i18n/person-language.ts'

/** The languages the kiosk offers: the person's languages; German is binding (docs/design.md §5). */
export const kioskLanguages = personLanguages

/** Signatories sign in this order; the youth first, because the youth's choice can change who else must sign. */
const signingOrder: readonly SignatoryRole[] = signatoryRoleSchema.options

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
  const now = deps.clock.now()
  const state = await liveKioskState(deps.db, deps.config, principal.userId, now)
  if (!state) {
    // An idle session is wiped; a kiosk with nothing on it keeps what staff pushed to it.
    if (await findKioskState(deps.db, principal.userId)) await wipeKiosk(deps, principal)
    return undefined
  }
  const consent = await getConsent(deps, {
    caller: kioskCallerOf(principal),
    consentId: state.consentId,
  })
  // A draft discarded by staff meanwhile, or signed elsewhere, ends the session; a confirmation
  // ends when the consent is no longer active.
  const wanted = state.purpose === 'confirm_majority' ? 'active' : 'draft'
  if (state.step !== 'receipt' && consent.status !== wanted) {
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

async function begin(
  deps: Deps,
  principal: Principal,
  input: {
    consentId: string
    language: string
    purpose: KioskPurpose
    attendingStaff: string | null
  },
): Promise<void> {
  const now = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (trx) => {
    await clearPushedDraft(trx, principal.userId)
    await startKioskState(trx, {
      kioskId: principal.userId,
      consentId: input.consentId,
      purpose: input.purpose,
      step: 'read',
      language: input.language,
      choices: noChoices,
      receiptCode: null,
      attendingStaff: input.attendingStaff,
      shownText: null,
      startedAt: now,
      updatedAt: now,
    })
  })
}

/**
 * Starts on the draft behind a pickup code typed on the kiosk (or sent by a kiosk client over
 * the API): from now on this kiosk's flow is bound to that draft.
 */
export async function startFromPickupCode(
  deps: Deps,
  principal: Principal,
  code: string,
  /** The language the person chose on the start screen; else the one staff prepared. */
  language?: PersonLanguage,
): Promise<ConsentView> {
  const consent = await pickUpDraft(deps, { caller: kioskCallerOf(principal), code })
  await begin(deps, principal, {
    consentId: consent.id,
    language: language ?? consent.text.language,
    purpose: 'sign',
    attendingStaff: null,
  })
  return getConsent(deps, { caller: kioskCallerOf(principal), consentId: consent.id })
}

/** Starts on what staff pushed to this kiosk: a draft to sign, or a consent to confirm at 18. */
export async function startFromPush(
  deps: Deps,
  principal: Principal,
  language?: PersonLanguage,
): Promise<void> {
  const pushed = await findPushedDraft(deps.db, principal.userId)
  if (!pushed) throw new KioskError('ERR_KIOSK_NOTHING_PUSHED', 'Nothing was sent to this kiosk.')
  const now = deps.clock.now()
  const stored = await findConsent(deps.db, pushed.consentId)
  // Still what its agency may push now (a draft discarded or signed meanwhile is not).
  const permitted =
    stored !== undefined &&
    authorizeConsentAction(
      { kind: 'staff', agencyId: principal.agencyId ?? '' },
      { type: 'push_to_kiosk', purpose: pushed.purpose },
      partyFactsOf(stored, now),
    ).allowed
  if (!stored || !permitted) {
    await clearPushedDraft(deps.db, principal.userId)
    throw new KioskError('ERR_KIOSK_NOTHING_PUSHED', 'Nothing was sent to this kiosk.')
  }
  await begin(deps, principal, {
    consentId: stored.consent.id,
    language: language ?? stored.consent.text.language,
    purpose: pushed.purpose,
    attendingStaff: pushed.pushedBy,
  })
}

/** Whether something waits for this kiosk (the start screen offers it without naming anyone). */
export async function hasPushedDraft(deps: Deps, principal: Principal): Promise<boolean> {
  return (await findPushedDraft(deps.db, principal.userId)) !== undefined
}

export async function setKioskLanguage(
  deps: Deps,
  principal: Principal,
  language: PersonLanguage,
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
 * The consent text as this kiosk displays it for reading, in the session's language (or the one
 * asked for). What is displayed is recorded: a signature on this kiosk proves exactly this text
 * (language, template version, SHA-256; issue «Consent integrity» point 4).
 */
export async function showTextAtKiosk(
  deps: Deps,
  principal: Principal,
  input: { consentId?: string; language?: string } = {},
): Promise<RenderedConsentText> {
  const session = await currentKioskSession(deps, principal)
  // Asked for by id (the API), a consent outside the kiosk's flow does not exist for it.
  if (!session || (input.consentId !== undefined && input.consentId !== session.consent.id)) {
    if (input.consentId !== undefined)
      throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')
    throw new KioskError('ERR_KIOSK_NO_SESSION', 'There is nothing on this kiosk.')
  }
  const { state, consent } = session
  const language = input.language ?? state.language
  const stored = await findConsent(deps.db, consent.id)
  if (!stored) throw new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')
  const rendered = await renderTextOfConsent(deps, stored, language)
  await updateKioskState(deps.db, principal.userId, {
    shownText: rendered.reference,
    at: deps.clock.now(),
  })
  return rendered
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
 * Records the next signature: drawn on the kiosk, or the name typed and the consent expressly
 * confirmed (`kiosk_typed`, for keyboard, switch and screen-reader users), with the typed name.
 * When the consent becomes active, a receipt is issued for what was signed here; its code stays
 * on the device only until the wipe.
 */
export async function signAtKiosk(
  deps: Deps,
  principal: Principal,
  /** `method` defaults to a drawing. */
  input: { name: string; method?: KioskSignatureMethod; evidence: string },
): Promise<{ complete: boolean }> {
  const { state, consent } = await requireKioskSession(deps, principal)
  if (state.purpose !== 'sign')
    throw new KioskError('ERR_KIOSK_NO_SESSION', 'This kiosk is not collecting signatures.')
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
      method: input.method ?? 'kiosk_drawn',
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
  // The receipt proves what was signed in this session on this kiosk, by whom (docs/design.md §3.6).
  const signatoryRoles = signed.signatures
    .filter(
      (s) =>
        isKioskSignatureMethod(s.method) &&
        s.kioskDevice === principal.userId &&
        s.signedAt >= state.startedAt,
    )
    .map((s) => s.role)
  const code = newReceiptCode()
  const receiptId = deps.ids.newId('rcp')
  await deps.db.transaction().execute(async (trx) => {
    await insertReceipt(trx, {
      id: receiptId,
      codeHash: hashReceiptCode(code, deps.config.secrets.masterKey),
      consentId: signed.id,
      subjectPseudonym: signed.subjectPseudonym,
      createdAt: now.toISOString(),
      signatoryRoles,
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
        signatoryRoles,
      },
    })
    await updateKioskState(trx, principal.userId, { step: 'receipt', receiptCode: code, at: now })
  })
  return { complete: true }
}

/**
 * "Nicht zustimmen": the draft is declined (its own status; the pickup code dies; the preparing
 * staff see it), then the wipe.
 */
export async function declineAtKiosk(
  deps: Deps,
  principal: Principal,
  decline: DeclineInput = {},
): Promise<void> {
  const { state, consent } = await requireKioskSession(deps, principal)
  if (state.purpose === 'sign')
    await declineConsent(deps, { caller: kioskCallerOf(principal), consentId: consent.id, decline })
  await wipeKiosk(deps, principal)
}

/**
 * The young adult confirms, at this kiosk, a consent a guardian co-signed when they were a minor
 * (after reading its text here, drawing their signature or typing their name and confirming);
 * then the wipe.
 */
export async function confirmMajorityAtKiosk(
  deps: Deps,
  principal: Principal,
  /** `method` defaults to a drawing. */
  input: { method?: KioskSignatureMethod; evidence: string },
): Promise<void> {
  const { state, consent } = await requireKioskSession(deps, principal)
  if (state.purpose !== 'confirm_majority')
    throw new KioskError('ERR_KIOSK_NOT_CONFIRMABLE', 'There is nothing to confirm here.')
  await confirmAtMajority(deps, {
    caller: kioskCallerOf(principal),
    consentId: consent.id,
    confirmation: { method: input.method ?? 'kiosk_drawn', evidence: input.evidence },
  })
  await wipeKiosk(deps, principal)
}

/** Clears everything the device holds about the person (finish, idle, or staff leaving). */
export async function wipeKiosk(deps: Deps, principal: Principal): Promise<void> {
  deps.kioskSummaries.drop(principal.userId)
  await clearKioskState(deps.db, principal.userId)
}

/**
 * Revocation at the kiosk (docs/design.md §3.1 channel `kiosk`): the person identifies the consent
 * with the receipt code and the date of birth, as on the self-service page; only that consent.
 */
export async function revokeAtKiosk(
  deps: Deps,
  principal: Principal,
  input: { receiptCode: string; birthDate: string },
): Promise<ConsentView> {
  const consentId = await consentOfReceipt(deps, input)
  return revokeConsent(deps, {
    caller: { ...kioskCallerOf(principal), receiptConsentIds: [consentId] },
    consentId,
    revocation: { channel: 'kiosk' },
  })
}

/** The consent a receipt code proves, when the birth date matches; else "unknown". */
export async function consentOfReceipt(
  deps: Pick<Deps, 'db' | 'config'>,
  input: { receiptCode: string; birthDate: string },
): Promise<string> {
  const receipt = await findReceiptByCodeHash(
    deps.db,
    hashReceiptCode(input.receiptCode, deps.config.secrets.masterKey),
  )
  if (!receipt || receipt.birthDate !== input.birthDate)
    throw new KioskError('ERR_KIOSK_RECEIPT_UNKNOWN', 'Code or date of birth do not match.')
  return receipt.consentId
}

/**
 * Staff send a draft of their agency to a named kiosk of the same agency (or, for a young adult
 * to confirm at majority, an active consent); the kiosk offers it on its start screen. A kiosk
 * of another agency is "not found".
 */
export async function pushDraft(
  deps: Deps,
  input: {
    caller: ConsentCaller
    kioskId: string
    consentId: string
    summary?: KioskSummary
    purpose?: KioskPurpose
  },
): Promise<{ kioskId: string; consentId: string; pushedAt: string; purpose: KioskPurpose }> {
  const { caller } = input
  const purpose = input.purpose ?? 'sign'
  const kiosk = await findUser(deps.db, input.kioskId)
  if (!kiosk || kiosk.role !== 'kiosk' || kiosk.agencyId !== caller.agencyId || kiosk.disabled)
    throw new KioskError('ERR_KIOSK_NOT_FOUND', 'No kiosk with this id in your agency.')
  const now = deps.clock.now()
  const stored = await findConsent(deps.db, input.consentId)
  const permission = stored
    ? authorizeConsentAction(
        await consentActorOf(deps, caller, now),
        { type: 'push_to_kiosk', purpose },
        partyFactsOf(stored, now),
      )
    : undefined
  if (!stored || !permission?.allowed)
    throw permission && !permission.allowed
      ? new ConsentError(permission.code, permission.message)
      : new ConsentError('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')
  const { consent } = stored
  if (input.summary) {
    if (!consent.singleTransfer || purpose !== 'sign')
      throw new KioskError(
        'ERR_KIOSK_SUMMARY_MISMATCH',
        'Only a single-transfer consent carries a case summary.',
      )
    deps.kioskSummaries.hold({
      kioskId: kiosk.id,
      consentId: consent.id,
      boundSha256: consent.singleTransfer.summarySha256,
      summary: input.summary,
    })
  }
  await deps.db.transaction().execute(async (trx) => {
    await pushDraftToKiosk(trx, {
      kioskId: kiosk.id,
      consentId: consent.id,
      pushedBy: caller.userId,
      purpose,
      at: now,
    })
    await appendAuditEvent(trx, {
      at: now,
      actor: caller.actor,
      event: {
        type: 'kiosk_draft_pushed',
        consentId: consent.id,
        agencyId: agencyOfCaller(caller),
        kioskId: kiosk.id,
        purpose,
      },
    })
  })
  return { kioskId: kiosk.id, consentId: consent.id, pushedAt: now.toISOString(), purpose }
}
