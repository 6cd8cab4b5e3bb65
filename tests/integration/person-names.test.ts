import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pseudonymOf } from '../../consent/pseudonym.ts'
import type { Principal } from '../../accounts/roles.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import { toHttpFailure } from '../../gateway/http/error-status.ts'
import {
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
} from '../../gateway/kiosk/kiosk-service.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { attestedCircumstances, drawnSignature } from '../support/signature-evidence.ts'

// The test clock starts at 2026-03-02T09:00Z (10:00 in Berlin).
const subject = { givenName: 'Leonie', familyName: 'Quastenberg', birthDate: '2005-06-10' }

const draftBody = (overrides: Record<string, unknown> = {}) => ({
  kind: 'einwilligung',
  subject,
  senders: ['jc-demo'],
  recipients: ['ja-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule'],
  validUntil: '2026-12-31',
  ...overrides,
})

/** A Schweigepflichtsentbindung of the Jugendamt naming released professionals and an entrusting person. */
const releaseBody = (overrides: Record<string, unknown> = {}) =>
  draftBody({
    kind: 'schweigepflichtsentbindung',
    senders: ['ja-demo'],
    recipients: ['jc-demo'],
    categories: ['hilfeplan'],
    releasedProfessionals: ['Sozialpädagogin des ASD'],
    entrustingPerson: { isYouth: false, name: 'Petra Quastenberg', relation: 'Mutter' },
    ...overrides,
  })

const signature = (name: string) => ({
  role: 'youth',
  name,
  method: 'staff_attested',
  evidence: attestedCircumstances,
})

/** Names that must be refused, the reason each gives, as raw JSON string literals. */
const badNames: [what: string, json: string, reason: string][] = [
  ['NUL', '"Leo\\u0000nie"', 'control_character'],
  ['a line break', '"Leonie\\nQuastenberg"', 'control_character'],
  ['a C1 control', '"Leonie\\u009b"', 'control_character'],
  ['a lone surrogate', '"Leonie\\ud800"', 'lone_surrogate'],
  ['a right-to-left override', '"\\u202eeinoeL"', 'bidi_control'],
  ['an isolate', '"\\u2067Leonie\\u2069"', 'bidi_control'],
  ['a zero-width space', '"Leo\\u200bnie"', 'invisible_character'],
  ['Zalgo marks', '"Leonie\\u0316\\u0317\\u0318\\u0319\\u031c\\u031d"', 'too_many_combining_marks'],
  ['a replacement character', '"Leon\\ufffde"', 'garbled'],
  ['no letter', '"..."', 'no_letter'],
]

describe.each(dialects)('person names and birth dates on %s', (dialect) => {
  let t: TestDeps
  let server: TestServer
  let tokens: Record<string, string>

  beforeAll(async () => {
    t = await createTestDeps(dialect)
    ;({ tokens } = await seedAccounts(t.deps))
    server = await startTestServer(t.deps)
  })
  afterAll(async () => {
    await server.close()
    await t.close()
  })

  async function counts(): Promise<{ consents: number; audit: number }> {
    const count = async (table: 'consents' | 'audit_entries') =>
      Number(
        (
          await t.deps.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    return { consents: await count('consents'), audit: await count('audit_entries') }
  }

  /** Posts a body in which `"__NAME__"` is replaced by the raw JSON literal of the name. */
  function postRaw(path: string, token: string, body: unknown, nameJson: string) {
    return server.api('POST', path, {
      token,
      rawBody: JSON.stringify(body).replace('"__NAME__"', nameJson),
      headers: { 'content-type': 'application/json' },
    })
  }

  it('when a name field carries a control, a lone surrogate, a bidi control, Zalgo or no letter, then 400 with the field path and reason, and nothing is written', async () => {
    const fields: [path: string, token: string, body: unknown][] = [
      [
        'subject.givenName',
        tokens['staff-jc']!,
        draftBody({ subject: { ...subject, givenName: '__NAME__' } }),
      ],
      [
        'subject.familyName',
        tokens['staff-jc']!,
        draftBody({ subject: { ...subject, familyName: '__NAME__' } }),
      ],
      [
        'entrustingPerson.name',
        tokens['staff-ja']!,
        releaseBody({ entrustingPerson: { isYouth: false, name: '__NAME__' } }),
      ],
      [
        'releasedProfessionals.1',
        tokens['staff-ja']!,
        releaseBody({ releasedProfessionals: ['Sozialpädagogin des ASD', '__NAME__'] }),
      ],
    ]
    const before = await counts()
    const wrong: string[] = []
    for (const [what, nameJson, reason] of badNames) {
      for (const [path, token, body] of fields) {
        const response = await postRaw('/consents', token, body, nameJson)
        const issues = (response.body as { error?: { details?: { issues?: unknown[] } } }).error
          ?.details?.issues
        const issue = issues?.[0] as { path?: string; code?: string; reason?: string } | undefined
        // A NUL is refused for every field before the schema runs (gateway/http/refuse-nul.ts).
        const matches =
          issues?.length === 1 &&
          issue?.path === path &&
          (what === 'NUL'
            ? issue.code === 'nul_character'
            : issue.code === 'custom' && issue.reason === reason)
        if (response.status !== 400 || !matches)
          wrong.push(`${what} in ${path}: ${response.status} ${JSON.stringify(response.body)}`)
      }
    }
    expect(wrong).toEqual([])
    expect(await counts()).toEqual(before)
  })

  it('when names are Arabic, Persian, Ukrainian, Turkish or Vietnamese, then they are stored in NFC and the pseudonym is that of the typed name', async () => {
    const names = [
      { givenName: 'محمد', familyName: 'عبد الله' },
      { givenName: 'زهرا', familyName: 'علی\u200cپور' },
      { givenName: 'Олександра', familyName: 'Ковальчук' },
      { givenName: 'Şükrü', familyName: 'Çağlar' },
      // Typed decomposed (as some keyboards send it): stored composed.
      { givenName: 'Ngọc Ha\u0300', familyName: 'Nguye\u0302\u0303n' },
    ]
    for (const name of names) {
      const typed = { ...name, birthDate: '2005-06-10' }
      const response = await server.api('POST', '/consents', {
        token: tokens['staff-jc'],
        body: draftBody({ subject: typed }),
      })
      expect(response.status, JSON.stringify(response.body)).toBe(201)
      const view = response.body as {
        id: string
        subject: { givenName: string; familyName: string }
        subjectPseudonym: string
      }
      expect(view.subject.givenName).toBe(name.givenName.normalize('NFC'))
      expect(view.subject.familyName).toBe(name.familyName.normalize('NFC'))
      expect(view.subjectPseudonym).toBe(pseudonymOf(typed, t.deps.derivedKeys.pseudonym))
      const stored = await t.deps.db
        .selectFrom('consent_subjects')
        .select(['given_name', 'family_name'])
        .where('pseudonym', '=', view.subjectPseudonym)
        .executeTakeFirstOrThrow()
      expect(stored).toEqual({
        given_name: name.givenName.normalize('NFC'),
        family_name: name.familyName.normalize('NFC'),
      })
    }
    const vietnamese = await server.api('GET', '/consents?status=draft', {
      token: tokens['staff-jc'],
    })
    expect(JSON.stringify(vietnamese.body)).toContain('Nguy\u1ec5n')
    expect(JSON.stringify(vietnamese.body)).not.toContain('Nguye\u0302\u0303n')
  })

  it('when a signatory name is bad, then 400 at "name" and the consent stays a draft; a good one is stored in NFC', async () => {
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: draftBody(),
    })
    expect(draft.status).toBe(201)
    const id = (draft.body as { id: string }).id
    for (const [what, nameJson, reason] of badNames) {
      const response = await postRaw(
        `/consents/${id}/signatures`,
        tokens['staff-jc']!,
        signature('__NAME__'),
        nameJson,
      )
      expect(response.status, what).toBe(400)
      expect(response.body, what).toMatchObject({
        error: {
          code: 'validation_failed',
          details: {
            issues: [
              what === 'NUL' ? { path: 'name', code: 'nul_character' } : { path: 'name', reason },
            ],
          },
        },
      })
    }
    const still = await server.api('GET', `/consents/${id}`, { token: tokens['staff-jc'] })
    expect(still.body).toMatchObject({ status: 'draft', signatures: [] })
    const signed = await server.api('POST', `/consents/${id}/signatures`, {
      token: tokens['staff-jc'],
      body: signature('Leonie Quastenberg-Ngu\u031bo\u031b\u0300i'),
    })
    expect(signed.status, JSON.stringify(signed.body)).toBe(200)
    expect(signed.body).toMatchObject({
      status: 'active',
      signatures: [{ name: 'Leonie Quastenberg-Ngu\u031bo\u031b\u0300i'.normalize('NFC') }],
    })
  })

  it('when the birth date is in the future, before 1900, or makes the person younger than 10 or older than 27, then 400 ERR_CONSENT_BIRTH_DATE_INVALID at subject.birthDate', async () => {
    const before = await counts()
    for (const birthDate of [
      '2026-03-03',
      '2099-01-01',
      '1899-12-31',
      '1998-03-02',
      '2016-03-03',
    ]) {
      const response = await server.api('POST', '/consents', {
        token: tokens['staff-jc'],
        body: draftBody({ subject: { ...subject, birthDate } }),
      })
      expect(response.status, birthDate).toBe(400)
      expect(response.body, birthDate).toMatchObject({
        error: {
          code: 'ERR_CONSENT_BIRTH_DATE_INVALID',
          details: {
            problems: [{ code: 'ERR_CONSENT_BIRTH_DATE_INVALID', path: 'subject.birthDate' }],
          },
        },
      })
    }
    expect(await counts()).toEqual(before)
    // The bounds themselves are accepted: 27 the day before turning 28, 10 on the birthday.
    for (const birthDate of ['1998-03-03', '2016-03-02']) {
      const response = await server.api('POST', '/consents', {
        token: tokens['staff-jc'],
        body: draftBody({ subject: { ...subject, birthDate } }),
      })
      expect(response.status, birthDate).toBe(201)
    }
  })
  it('when the name typed at the kiosk is bad, then the signature is refused as a 400 and the kiosk stays at signing', async () => {
    const kiosk: Principal = {
      userId: 'kiosk-jc',
      role: 'kiosk',
      agencyId: 'jc-demo',
      allAgencies: false,
      via: 'session',
    }
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: draftBody(),
    })
    const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
    await startFromPickupCode(t.deps, kiosk, kioskCode)
    await showTextAtKiosk(t.deps, kiosk)
    await saveChoices(t.deps, kiosk, { recipients: ['ja-demo'], categories: ['schule'] })
    const drawn = drawnSignature()
    for (const name of ['Leonie\u202e', 'Leo\u0000nie', 'x\u0316\u0317\u0318\u0319\u031c']) {
      const failure = await signAtKiosk(t.deps, kiosk, { name, evidence: drawn }).then(
        () => undefined,
        (error: unknown) => toHttpFailure(error),
      )
      expect(failure).toMatchObject({ status: 400, code: 'validation_failed' })
    }
    expect((await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode).toBeNull()
    const still = await server.api('GET', `/consents/${id}`, { token: tokens['staff-jc'] })
    expect(still.body).toMatchObject({ status: 'draft', signatures: [] })
  })
})
