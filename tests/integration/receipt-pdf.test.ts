import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { findKioskState } from '../../db/kiosk-repository.ts'
import {
  saveChoices,
  showTextAtKiosk,
  signAtKiosk,
  startFromPickupCode,
  wipeKiosk,
} from '../../gateway/kiosk/kiosk-service.ts'
import { receiptDocumentOf, sealedReceiptPdf } from '../../gateway/kiosk/receipt-document.ts'
import { openSelfService } from '../../gateway/self-service/self-service-service.ts'
import { receiptStringsFor } from '../../templates/pages/receipt/receipt-strings.ts'
import { fillIn } from '../../templates/pages/receipt/receipt-view.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { describeWithTools, makeTempDir, run, runOk } from '../support/interop-tools.ts'
import { drawnSignature, typedSignature } from '../support/signature-evidence.ts'
import { createRelayPki, registerRelayPki, type RelayPki } from '../support/smtp-relay-setup.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * The person's receipt at `/me` (issue «The person's side» point 4): a PDF sealed by the
 * preparing agency (PAdES, ETSI.CAdES.detached) that poppler's `pdfsig` verifies and that breaks
 * when one byte changes; `pdftotext` finds the signed text, the binding German text and the
 * kind's own title; `openssl cms` verifies the embedded CMS over the signed byte ranges.
 */

const kiosk: Principal = {
  userId: 'kiosk-jc',
  role: 'kiosk',
  agencyId: 'jc-demo',
  allAgencies: false,
  via: 'session',
}
const birthDate = '2005-06-10'
const squash = (text: string) => text.replace(/\s+/g, ' ').trim()
/** pdftotext joins a word hyphenated at a line end ("self-" + "service" → "selfservice"). */
const unhyphenated = (text: string) => squash(text).replace(/-/g, '')

/**
 * The words of right-to-left text as pdftotext gives them, to compare their order: without its
 * direction marks, split at spaces and punctuation (pdftotext places a neutral mark between two
 * runs on either side, and drops the space where Arabic meets Latin), and without words holding
 * a lam-alef ligature (pdftotext reads the ligature's two letters the wrong way round).
 */
const arabicWords = (text: string) =>
  text
    .replace(/[\u202A-\u202E\u2066-\u2069\u200E\u200F]/gu, '')
    .replace(/([\u0600-\u06FF])(?=[A-Za-z0-9§])|([A-Za-z0-9§)])(?=[\u0600-\u06FF])/gu, '$1$2 ')
    .split(/[\s:()،,.–„“"/]+/u)
    .filter((w) => w !== '' && !/ل[اأإآ]|[اأإآ]ل/u.test(w))

/** Whether the words of `expected` stand in `raw` one after the other, in reading order. */
const readsInOrder = (raw: string, expected: string) =>
  ` ${arabicWords(raw).join(' ')} `.includes(` ${arabicWords(expected).join(' ')} `)

describeWithTools(['pdfsig', 'pdftotext', 'openssl'], 'the sealed receipt PDF', () => {
  describe.each(dialects)('on %s', (dialect) => {
    let t: TestDeps
    let server: TestServer
    let tokens: Record<string, string>
    let relayPki: RelayPki
    let dir: { path: string; remove: () => Promise<void> }

    beforeAll(async () => {
      t = await createTestDeps(dialect)
      ;({ tokens } = await seedAccounts(t.deps))
      relayPki = await createRelayPki({ at: t.clock.now() })
      await registerRelayPki(t.deps, relayPki)
      server = await startTestServer(t.deps)
      dir = await makeTempDir('receipt-pdf')
    })
    afterAll(async () => {
      await server?.close()
      await t?.close()
      await dir?.remove()
    })

    /** Staff prepare, the person reads in `language` and signs at the kiosk; the /me cookie. */
    async function signedAtKiosk(input: {
      kind: 'einwilligung' | 'schweigepflichtsentbindung'
      language: string
      typed: boolean
    }): Promise<{ id: string; cookie: string }> {
      const draft = await server.api('POST', '/consents', {
        token: tokens['staff-jc'],
        body: {
          kind: input.kind,
          subject: {
            givenName: 'Leonie',
            familyName: 'Quastenberg',
            birthDate,
            caseRefs: { 'jc-demo': 'BG-4711-0815' },
          },
          senders: ['jc-demo'],
          recipients: ['ja-demo'],
          purposes: ['hilfeplanung'],
          categories: ['schule', 'gesundheit'],
          validUntil: '2026-12-31',
          ...(input.kind === 'schweigepflichtsentbindung'
            ? { releasedProfessionals: ['Schulsozialarbeiterin der Berufsschule'] }
            : {}),
        },
      })
      expect(draft.status, JSON.stringify(draft.body)).toBe(201)
      const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
      await startFromPickupCode(t.deps, kiosk, kioskCode)
      await showTextAtKiosk(t.deps, kiosk, { language: input.language })
      await saveChoices(t.deps, kiosk, {
        recipients: ['ja-demo'],
        categories: ['schule', 'gesundheit'],
      })
      await signAtKiosk(
        t.deps,
        kiosk,
        input.typed
          ? {
              name: 'Leonie Quastenberg',
              method: 'kiosk_typed',
              evidence: typedSignature('Leonie Quastenberg', input.language),
            }
          : { name: 'Leonie Quastenberg', evidence: drawnSignature() },
      )
      const code = (await findKioskState(t.deps.db, 'kiosk-jc'))?.receiptCode ?? ''
      await wipeKiosk(t.deps, kiosk)
      const { token } = await openSelfService(t.deps, { receiptCode: code, birthDate })
      return { id, cookie: `brucke_me=${token}` }
    }

    const fetchReceipt = (cookie: string, id: string) =>
      fetch(`${server.url}/me/receipt/${id}`, { headers: { cookie }, redirect: 'manual' })

    async function pdfsig(pdf: Buffer, name: string): Promise<string> {
      const file = join(dir.path, name)
      await writeFile(file, pdf)
      return (await run('pdfsig', [file])).stdout.toString()
    }

    async function pdftotext(pdf: Buffer, name: string): Promise<string> {
      const file = join(dir.path, name)
      await writeFile(file, pdf)
      return (await runOk('pdftotext', ['-enc', 'UTF-8', file, '-'])).stdout.toString()
    }

    const textOf = async (id: string, language: string) =>
      (
        (
          await server.api('GET', `/consents/${id}/text?language=${language}`, {
            token: tokens['staff-jc'],
          })
        ).body as { text: string }
      ).text

    it('when the person fetches the receipt at /me, then pdfsig finds it sealed by the preparing agency, and one changed byte breaks the seal', async () => {
      const { id, cookie } = await signedAtKiosk({
        kind: 'einwilligung',
        language: 'de',
        typed: false,
      })
      const response = await fetchReceipt(cookie, id)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toContain('application/pdf')
      // The person's own device: the sealed receipt is theirs to keep.
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="beleg-einwilligung.pdf"',
      )
      const pdf = Buffer.from(await response.arrayBuffer())
      const report = await pdfsig(pdf, `${dialect}-sealed.pdf`)
      expect(report).toContain('Signature Validation: Signature is Valid.')
      expect(report).toContain('Signer Certificate Common Name: jc-demo')
      expect(report).toContain('Signature Type: ETSI.CAdES.detached')
      expect(report).toContain('Total document signed')

      // One byte inside the signed range (the document's author) changed: no longer valid.
      const tampered = Buffer.from(pdf)
      const at = tampered.indexOf('/Producer') + '/Producer ('.length + 2
      tampered[at] = (tampered[at] ?? 0) ^ 0x01
      const broken = await pdfsig(tampered, `${dialect}-tampered.pdf`)
      expect(broken).not.toContain('Signature is Valid.')
      expect(broken).toMatch(/Signature Validation: (Signature is Invalid|Digest Mismatch)/)
    })

    it('when signed in English by a typed name, then the PDF holds the English text signed, the binding German text, the method and no case reference', async () => {
      const { id, cookie } = await signedAtKiosk({
        kind: 'einwilligung',
        language: 'en',
        typed: true,
      })
      const pdf = Buffer.from(await (await fetchReceipt(cookie, id)).arrayBuffer())
      const text = squash(await pdftotext(pdf, `${dialect}-en.pdf`))
      expect(text.startsWith('Receipt: consent (Einwilligung)')).toBe(true)
      for (const language of ['en', 'de'])
        for (const line of (await textOf(id, language)).split('\n').filter((l) => l.trim()))
          expect(unhyphenated(text), `${language}: ${line}`).toContain(unhyphenated(line))
      expect(text).toContain('Binding German text')
      expect(text).toContain('Young person: Leonie Quastenberg')
      expect(text).toContain('name typed at the kiosk and the consent confirmed with a tick')
      expect(text).toContain('I agree. My name in the field above counts as my signature.')
      expect(text).toContain('Jobcenter Demo-Stadt (U25)')
      expect(text).toContain('Jugendamt Demo-Stadt')
      expect(text).toContain(`${t.deps.config.publicUrl.replace(/\/$/, '')}/me`)
      // Only what the person's own receipt holds: no case reference, no birth date.
      expect(text).not.toContain('BG-4711-0815')
      expect(text).not.toContain('10.06.2005')
      expect(text).not.toContain(birthDate)
    })

    it('when signed in Arabic, then pdftotext reads the title and the lines in reading order with the dates, names, address and legal terms inside them intact, and the seal verifies', async () => {
      const { id, cookie } = await signedAtKiosk({
        kind: 'einwilligung',
        language: 'ar',
        typed: true,
      })
      const pdf = Buffer.from(await (await fetchReceipt(cookie, id)).arrayBuffer())
      expect(await pdfsig(pdf, `${dialect}-ar-sig.pdf`)).toContain('Signature is Valid.')
      expect(pdf.toString('latin1')).toContain('/Lang (ar)')
      const raw = await pdftotext(pdf, `${dialect}-ar.pdf`)
      const ar = receiptStringsFor('ar')
      // The words of each line in reading order. Drawn word by word (pdfkit's default), the
      // Arabic words of a line came out reversed and the Latin tokens on the wrong side.
      expect(arabicWords(raw.split('\n')[0] ?? '')).toEqual(arabicWords(ar.title.einwilligung))
      expect(readsInOrder(raw, ar.kind.einwilligung)).toBe(true)
      expect(readsInOrder(raw, `${ar.issuedBy}: Jobcenter Demo-Stadt (U25)`)).toBe(true)
      const from = /\d{2}\.\d{2}\.\d{4}/.exec(
        raw.split('\n').find((l) => l.includes('31.12.2026')) ?? '',
      )
      expect(from).not.toBeNull()
      expect(readsInOrder(raw, `${ar.validity}: ${from?.[0]} ${ar.until} 31.12.2026`)).toBe(true)
      const url = `${t.deps.config.publicUrl.replace(/\/$/, '')}/me`
      expect(
        readsInOrder(raw, fillIn(ar.revokeWays[0] ?? '', { selfServiceUrl: url, issuer: '' })),
      ).toBe(true)
      expect(raw).toContain(url)
      expect(readsInOrder(raw, `${ar.roles.youth}: Leonie Quastenberg`)).toBe(true)
      expect(raw).toContain('§ 67b SGB X')
      // The binding German text follows, left to right, word for word.
      const text = squash(raw)
      for (const line of (await textOf(id, 'de')).split('\n').filter((l) => l.trim()))
        expect(unhyphenated(text)).toContain(unhyphenated(line))
    })

    it('when the declaration is a Schweigepflichtsentbindung, then the receipt is titled so, never “Einwilligung”', async () => {
      const { id, cookie } = await signedAtKiosk({
        kind: 'schweigepflichtsentbindung',
        language: 'de',
        typed: false,
      })
      const response = await fetchReceipt(cookie, id)
      expect(response.headers.get('content-disposition')).toContain(
        'beleg-schweigepflichtsentbindung.pdf',
      )
      const pdf = Buffer.from(await response.arrayBuffer())
      const raw = await pdftotext(pdf, `${dialect}-spe.pdf`)
      expect(raw.split('\n')[0]).toBe('Beleg: Schweigepflichtsentbindung')
      expect(raw).not.toContain('Beleg: Einwilligung')
      const text = squash(raw)
      expect(text).toContain('Schulsozialarbeiterin der Berufsschule')
      for (const line of (await textOf(id, 'de')).split('\n').filter((l) => l.trim()))
        expect(unhyphenated(text)).toContain(unhyphenated(line))
      // German signer: one text, no separate "binding" copy.
      expect(text).not.toContain('Verbindlicher deutscher Text')
      expect(await pdfsig(pdf, `${dialect}-spe-sig.pdf`)).toContain('Signature is Valid.')
    })

    it('when openssl checks the embedded CMS, then it verifies over exactly the signed byte ranges and names the signer certificate (CAdES)', async () => {
      const { id, cookie } = await signedAtKiosk({
        kind: 'einwilligung',
        language: 'de',
        typed: true,
      })
      const pdf = Buffer.from(await (await fetchReceipt(cookie, id)).arrayBuffer())
      const range = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+) *\]/.exec(pdf.toString('latin1'))
      expect(range).not.toBeNull()
      const [a, b, c, d] = (range?.slice(1) ?? []).map(Number) as [number, number, number, number]
      expect(a).toBe(0)
      expect(c + d).toBe(pdf.length)
      const hex = pdf.subarray(b + 1, c - 1).toString('latin1')
      const der = Buffer.from(hex, 'hex')
      // DER is self-delimiting: SEQUENCE with a two-byte long length.
      expect(der[0]).toBe(0x30)
      const cms = der.subarray(0, 4 + der.readUInt16BE(2))
      await writeFile(join(dir.path, `${dialect}.p7s`), cms)
      await writeFile(
        join(dir.path, `${dialect}.signed`),
        Buffer.concat([pdf.subarray(a, b), pdf.subarray(c, c + d)]),
      )
      await writeFile(join(dir.path, 'ca.pem'), relayPki.pki.ca.certificatePem)
      await runOk('openssl', [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        join(dir.path, `${dialect}.p7s`),
        '-content',
        join(dir.path, `${dialect}.signed`),
        '-CAfile',
        join(dir.path, 'ca.pem'),
        '-purpose',
        'any',
        '-attime',
        String(Math.floor(t.clock.now().getTime() / 1000)),
        '-out',
        '/dev/null',
      ])
      const printed = (
        await runOk('openssl', [
          'cms',
          '-cmsout',
          '-print',
          '-inform',
          'DER',
          '-in',
          join(dir.path, `${dialect}.p7s`),
        ])
      ).stdout.toString()
      expect(printed).toContain('id-smime-aa-signingCertificateV2')
      // PAdES baseline: the signing time is the PDF's /M, not a CMS attribute.
      expect(printed).not.toContain('signingTime')
    })

    it('when the /me session does not prove the consent, or there is no session, then there is no receipt', async () => {
      const first = await signedAtKiosk({ kind: 'einwilligung', language: 'de', typed: false })
      const second = await signedAtKiosk({ kind: 'einwilligung', language: 'de', typed: false })
      // The second receipt's session asks for the first consent: "not found", like any other.
      const foreign = await fetchReceipt(second.cookie, first.id)
      expect(foreign.status).toBe(404)
      expect(foreign.headers.get('content-type')).not.toContain('pdf')
      const none = await fetchReceipt('brucke_me=nothing', first.id)
      expect(none.status).toBe(303)
      expect(none.headers.get('location')).toBe('/me')
    })

    it('when the agency has no signing key, then no unsealed receipt is handed out', async () => {
      const { id } = await signedAtKiosk({ kind: 'einwilligung', language: 'de', typed: false })
      const consent = await server.api('GET', `/consents/${id}`, { token: tokens['staff-jc'] })
      const document = await receiptDocumentOf(t.deps, {
        consent: consent.body as never,
        language: 'de',
        code: null,
        receiptId: null,
      })
      await expect(
        sealedReceiptPdf(t.deps, { document, agencyId: 'no-such-agency' }),
      ).rejects.toMatchObject({ code: 'ERR_KIOSK_RECEIPT_UNSEALED' })
    })
  })
})
