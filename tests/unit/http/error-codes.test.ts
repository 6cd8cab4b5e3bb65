import { describe, expect, it } from 'vitest'
import { accountErrorCodes, AccountError } from '../../../accounts/account-error.ts'
import { AuditError, auditErrorCodes } from '../../../audit/audit-error.ts'
import { CanonicalJsonError, canonicalJsonErrorCodes } from '../../../audit/canonical-json.ts'
import { vocabulary } from '../../../config/vocabulary.ts'
import { dataRequestRefusalCodes } from '../../../consent/data-request-rule.ts'
import { ConsentError, consentErrorCodes } from '../../../consent/errors.ts'
import { transferLeverRefusalCodes } from '../../../consent/transfer-levers.ts'
import {
  CertificateError,
  certificateErrorCodes,
  CmsError,
  cmsErrorCodes,
  KeyError,
  keyErrorCodes,
} from '../../../crypto/errors.ts'
import { AuditStoreError, auditStoreErrorCodes } from '../../../db/audit-repository.ts'
import { CodedError } from '../../../errors/coded-error.ts'
import { ApiError, apiErrorStatus } from '../../../gateway/http/api-error.ts'
import {
  domainErrorStatus,
  statusOfCode,
  toHttpFailure,
} from '../../../gateway/http/error-status.ts'
import { InboxError, inboxErrorCodes } from '../../../gateway/inbox/inbox-error.ts'
import {
  ComposerDraftError,
  composerDraftErrorCodes,
} from '../../../gateway/staff/composer-draft-error.ts'
import { KioskError, kioskErrorCodes } from '../../../gateway/kiosk/kiosk-error.ts'
import {
  IngressStartError,
  ingressStartErrorCodes,
} from '../../../gateway/relay/ingress-start-error.ts'
import { RelayError, relayErrorCodes } from '../../../gateway/relay/relay-error.ts'
import { explainConsentProblem } from '../../../gateway/staff/consent-problem-text.ts'
import { explainDataRequestRefusal } from '../../../gateway/staff/data-request-refusal-text.ts'
import {
  explainTransferRefusal,
  transferRefusalCodes,
} from '../../../gateway/staff/transfer-refusal-text.ts'
import { transferLeverTexts } from '../../../gateway/staff/transfer-lever-text.ts'

/** Every error family with its closed list of codes and one instance of it. */
const families = [
  ['ConsentError', consentErrorCodes, (c: string) => new ConsentError(c as never, 'x')],
  ['CertificateError', certificateErrorCodes, (c: string) => new CertificateError(c as never, 'x')],
  ['CmsError', cmsErrorCodes, (c: string) => new CmsError(c as never, 'x')],
  ['KeyError', keyErrorCodes, (c: string) => new KeyError(c as never, 'x')],
  ['AuditError', auditErrorCodes, (c: string) => new AuditError(c as never, 'x')],
  ['AuditStoreError', auditStoreErrorCodes, (c: string) => new AuditStoreError(c as never, 'x')],
  [
    'CanonicalJsonError',
    canonicalJsonErrorCodes,
    (c: string) => new CanonicalJsonError(c as never, 'x'),
  ],
  ['RelayError', relayErrorCodes, (c: string) => new RelayError(c as never, 'x')],
  [
    'IngressStartError',
    ingressStartErrorCodes,
    (c: string) => new IngressStartError(c as never, 'x'),
  ],
  ['KioskError', kioskErrorCodes, (c: string) => new KioskError(c as never, 'x')],
  ['AccountError', accountErrorCodes, (c: string) => new AccountError(c as never, 'x')],
  ['InboxError', inboxErrorCodes, (c: string) => new InboxError(c as never, 'x')],
  [
    'ComposerDraftError',
    composerDraftErrorCodes,
    (c: string) => new ComposerDraftError(c as never, 'x'),
  ],
] as const

const allCodes = families.flatMap(([, codes]) => [...codes])

describe('error codes', () => {
  it('when a family lists a code, then the code has one HTTP status (4xx or 5xx) and belongs to no other family', () => {
    expect(allCodes.length).toBeGreaterThan(100)
    expect(new Set(allCodes).size).toBe(allCodes.length)
    for (const code of allCodes) {
      const status = statusOfCode(code)
      expect(status, code).toBeGreaterThanOrEqual(400)
      expect(status, code).toBeLessThan(600)
    }
  })

  it('when the status table names a code, then a family lists it (no status for a code nobody throws)', () => {
    expect(Object.keys(domainErrorStatus).sort()).toEqual([...allCodes].sort())
  })

  it('when a domain code is named, then it reads ERR_<AREA>_<WHAT> (transfer_denied is the contract’s own)', () => {
    for (const code of allCodes)
      if (code !== 'transfer_denied') expect(code).toMatch(/^ERR_[A-Z0-9]+(_[A-Z0-9]+)+$/)
    for (const code of Object.keys(apiErrorStatus)) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/)
  })

  it('when a string is no code of ours, then it has no status, not even one of the prototype', () => {
    for (const code of ['ENOENT', 'constructor', 'toString', '__proto__', ''])
      expect(statusOfCode(code)).toBeUndefined()
  })

  it.each(families)(
    'when a %s is thrown, then it is a CodedError with its code, message, name, cause and details',
    (name, codes, make) => {
      for (const code of codes) {
        const error = make(code)
        expect(error).toBeInstanceOf(CodedError)
        expect(error).toBeInstanceOf(Error)
        expect(error.name).toBe(name)
        expect(error.code).toBe(code)
        expect(error.message).toBe('x')
      }
      const cause = new Error('underneath')
      const [first] = codes
      const Family = make(first).constructor as new (
        code: string,
        message: string,
        options: { cause: unknown; details: Record<string, string> },
      ) => CodedError
      const withBoth = new Family(first, 'y', { cause, details: { seq: '7' } })
      expect(withBoth.cause).toBe(cause)
      expect(withBoth.details).toEqual({ seq: '7' })
    },
  )

  it('when a domain error reaches HTTP, then its status and details answer; a 500 code is left to the internal-error answer', () => {
    expect(
      toHttpFailure(new RelayError('ERR_RELAY_SENDER_KEY_MISSING', 'no key', { details: {} })),
    ).toEqual({ status: 409, code: 'ERR_RELAY_SENDER_KEY_MISSING', message: 'no key', details: {} })
    expect(
      toHttpFailure(
        new KioskError('ERR_KIOSK_RATE_LIMITED', 'later', { details: { retryAfterSeconds: 9 } }),
      ),
    ).toMatchObject({ status: 429, details: { retryAfterSeconds: 9 } })
    expect(toHttpFailure(new ApiError('forbidden', 'no'))).toMatchObject({ status: 403 })
    expect(toHttpFailure(new AuditStoreError('ERR_AUDIT_HEAD_MISSING', 'gone'))).toBeUndefined()
    expect(toHttpFailure(new KeyError('ERR_KEY_WRONG_MASTER_KEY', 'wrong key'))).toBeUndefined()
    expect(
      toHttpFailure(Object.assign(new Error('x'), { code: 'ERR_RELAY_SENDER_KEY_MISSING' })),
    ).toBeUndefined()
  })
})

describe('staff-visible codes have their own sentence', () => {
  const distinct = (sentences: string[]) => new Set(sentences).size === sentences.length

  it('when staff are refused an action on a consent, then every consent code has a German and an English sentence', () => {
    for (const language of ['de', 'en'] as const) {
      const sentences = consentErrorCodes.map((code) => explainConsentProblem(code, language))
      for (const [i, sentence] of sentences.entries())
        expect(sentence, consentErrorCodes[i]).not.toMatch(/ERR_/)
      expect(distinct(sentences)).toBe(true)
    }
    expect(explainConsentProblem('ERR_CONSENT_NOT_DRAFT', 'de')).not.toBe(
      explainConsentProblem('ERR_CONSENT_NOT_DRAFT', 'en'),
    )
  })

  it('when a data request is refused, then every refusal code has its sentence', () => {
    for (const language of ['de', 'en'] as const) {
      const sentences = dataRequestRefusalCodes.map((code) =>
        explainDataRequestRefusal(code, language, vocabulary, {}),
      )
      expect(distinct(sentences)).toBe(true)
      for (const sentence of sentences) expect(sentence).not.toMatch(/ERR_/)
    }
  })

  it('when a send is refused, then every relay code but the denial, the data requests and the lookups has its sentence', () => {
    const shown = relayErrorCodes.filter(
      (code) =>
        code !== 'transfer_denied' &&
        !(dataRequestRefusalCodes as readonly string[]).includes(code) &&
        !(transferLeverRefusalCodes as readonly string[]).includes(code) &&
        code !== 'ERR_RELAY_TRANSFER_NOT_FOUND' &&
        code !== 'ERR_RELAY_MESSAGE_NOT_FOUND',
    )
    expect([...transferRefusalCodes].sort()).toEqual([...shown].sort())
    for (const language of ['de', 'en'] as const) {
      const sentences = transferRefusalCodes.map((code) => explainTransferRefusal(code, language))
      expect(distinct(sentences)).toBe(true)
    }
    expect(explainTransferRefusal('ERR_RELAY_SENDER_KEY_MISSING', 'de')).toContain('Schlüssel')
    // The operator's levers are met on the admin page only, each with its own German sentence.
    const leverSentences = transferLeverRefusalCodes.map((code) => transferLeverTexts[code])
    expect(distinct([...leverSentences, transferLeverTexts.transfer_denied])).toBe(true)
    expect(explainTransferRefusal('ERR_RELAY_SENDER_CERTIFICATE_MISSING', 'de')).toContain(
      'kein Zertifikat',
    )
  })
})
