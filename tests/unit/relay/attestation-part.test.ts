import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ConsentAttestation } from '../../../consent/consent-attestation.ts'
import { readAttestation } from '../../../gateway/relay/attestation-part.ts'
import { composeMessage, type ComposeMessageInput } from '../../../gateway/relay/compose-message.ts'

const attestation: ConsentAttestation = {
  version: 1,
  consentId: 'cns_1',
  kind: 'schweigepflichtsentbindung',
  scope: 'standing',
  text: { templateId: 'schweigepflicht', version: 1, sha256: 'a'.repeat(64) },
  signatories: [{ role: 'youth', signedAt: '2026-03-02T08:00:00.000Z', method: 'kiosk_typed' }],
  validFrom: '2026-03-02',
  validUntil: '2026-12-31',
  senders: ['ja-demo'],
  recipients: ['jc-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule'],
  entrustedCategories: [],
  status: 'active',
  issuedAt: '2026-03-02T09:00:00.000Z',
}

const input: ComposeMessageInput = {
  transferId: 'trf_1',
  messageId: '<trf_1@ja-demo.example>',
  at: new Date('2026-03-02T09:00:00.000Z'),
  form: 'uebergabebogen',
  sender: { id: 'ja-demo', name: 'Jugendamt Demo', mailbox: 'jugendhilfe@ja-demo.example' },
  recipient: { id: 'jc-demo', name: 'Jobcenter Demo', mailbox: 'u25@jc-demo.example' },
  consent: {
    id: 'cns_1',
    textSha256: 'a'.repeat(64),
    validFrom: '2026-03-02',
    validUntil: '2026-12-31',
  },
  attestation,
  purpose: 'hilfeplanung',
  categories: ['schule'],
  entrustedCategories: [],
  necessity: 'Abstimmung der Hilfe.',
  sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss 2026 angestrebt.' }],
  attachments: [
    {
      filename: 'zeugnis.pdf',
      contentType: 'application/pdf',
      content: Buffer.from('%PDF-1.4 test'),
      category: 'schule',
    },
  ],
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')
const b64 = (text: string) => Buffer.from(text).toString('base64')

/** The base64 body of the attestation part in a composed entity. */
function attestationBase64(entity: string): string {
  const match = /consent-attestation\+json[\s\S]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+?)\r\n--/.exec(entity)
  if (!match?.[1]) throw new Error('no attestation part')
  return match[1]
}

/** A hand-made entity: one text part and one attestation part with the given body and hash. */
function handMade(body: string, hash: string | null, encoding = 'base64'): Buffer {
  return Buffer.from(
    [
      'Content-Type: multipart/mixed; boundary="b1"',
      ...(hash === null ? [] : [`X-Brucke-Consent-Attestation-Sha256: ${hash}`]),
      '',
      '--b1',
      'Content-Type: text/plain',
      '',
      'Hallo',
      '--b1',
      'Content-Type: application/vnd.brucke.consent-attestation+json; name=x.json',
      `Content-Transfer-Encoding: ${encoding}`,
      '',
      body,
      '--b1--',
      '',
    ].join('\r\n'),
  )
}

describe('readAttestation', () => {
  it('when the entity was composed by Brücke, then the attestation is read back exactly and its hash is the signed header', async () => {
    const entity = await composeMessage(input)
    const read = readAttestation(entity)
    expect(read).toEqual({ ok: true, attestation, sha256: sha256(JSON.stringify(attestation)) })
    expect(entity.toString('latin1').replace(/\r\n[ \t]+/g, ' ')).toMatch(
      new RegExp(
        `^X-Brucke-Consent-Attestation-Sha256: ${sha256(JSON.stringify(attestation))}\\r$`,
        'm',
      ),
    )
    // The same with bare LF line ends, as some tools write the verified content out.
    expect(
      readAttestation(Buffer.from(entity.toString('latin1').replaceAll('\r\n', '\n'), 'latin1')),
    ).toEqual(read)
  })

  it('when one value in the attestation is changed, then the hash no longer matches the signed header', async () => {
    const entity = (await composeMessage(input)).toString('latin1')
    const part = attestationBase64(entity)
    const edited = b64(JSON.stringify({ ...attestation, categories: ['schule', 'gesundheit'] }))
    const tampered = Buffer.from(entity.replace(part, edited), 'latin1')
    expect(readAttestation(tampered)).toEqual({ ok: false, reason: 'attestation_hash_mismatch' })
  })

  it('when the signed hash header is missing or doubled, then it is a mismatch', async () => {
    const entity = (await composeMessage(input)).toString('latin1')
    const withoutHeader = entity.replace(
      /^X-Brucke-Consent-Attestation-Sha256:.*\r\n(?:[ \t].*\r\n)*/m,
      '',
    )
    expect(readAttestation(Buffer.from(withoutHeader, 'latin1'))).toEqual({
      ok: false,
      reason: 'attestation_hash_mismatch',
    })
    const json = JSON.stringify(attestation)
    const doubled = handMade(
      b64(json),
      `${sha256(json)}\r\nX-Brucke-Consent-Attestation-Sha256: ${sha256(json)}`,
    )
    expect(readAttestation(doubled)).toEqual({ ok: false, reason: 'attestation_hash_mismatch' })
  })

  it('when there is no attestation part, then it is missing', async () => {
    const entity = (await composeMessage(input)).toString('latin1')
    const renamed = entity.replaceAll('consent-attestation+json', 'octet-stream')
    expect(readAttestation(Buffer.from(renamed, 'latin1'))).toEqual({
      ok: false,
      reason: 'attestation_missing',
    })
    expect(readAttestation(Buffer.from('Content-Type: text/plain\r\n\r\nHallo\r\n'))).toEqual({
      ok: false,
      reason: 'attestation_missing',
    })
    // The attestation as the whole entity attests nothing beside it.
    const json = JSON.stringify(attestation)
    const alone = Buffer.from(
      `Content-Type: application/vnd.brucke.consent-attestation+json\r\nX-Brucke-Consent-Attestation-Sha256: ${sha256(json)}\r\n\r\n${json}`,
    )
    expect(readAttestation(alone)).toEqual({ ok: false, reason: 'attestation_missing' })
  })

  it('when the part matches its hash but is not a valid attestation, or is doubled, badly encoded or nested too deep, then it is malformed', () => {
    const cases: Buffer[] = []
    for (const json of [
      '{not json',
      JSON.stringify({ ...attestation, subjectName: 'Leonie' }),
      JSON.stringify({ ...attestation, version: 2 }),
    ])
      cases.push(handMade(b64(json), sha256(json)))
    cases.push(handMade('!!!not base64!!!', sha256('')))
    const json = JSON.stringify(attestation)
    cases.push(handMade(json, sha256(json), 'quoted-printable'))
    const part = `Content-Type: application/vnd.brucke.consent-attestation+json\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64(json)}`
    cases.push(
      Buffer.from(
        `Content-Type: multipart/mixed; boundary=b\r\nX-Brucke-Consent-Attestation-Sha256: ${sha256(json)}\r\n\r\n--b\r\n${part}\r\n--b\r\n${part}\r\n--b--\r\n`,
      ),
    )
    let nested = part
    for (let depth = 0; depth < 6; depth++)
      nested = `Content-Type: multipart/mixed; boundary=n${depth}\r\n\r\n--n${depth}\r\n${nested}\r\n--n${depth}--`
    cases.push(
      Buffer.from(
        nested.replace(
          '\r\n\r\n',
          `\r\nX-Brucke-Consent-Attestation-Sha256: ${sha256(json)}\r\n\r\n`,
        ),
      ),
    )
    for (const entity of cases)
      expect(readAttestation(entity), entity.toString()).toEqual({
        ok: false,
        reason: 'attestation_malformed',
      })
    // 7bit is accepted when its bytes are what the header names.
    expect(readAttestation(handMade(json, sha256(json), '7bit'))).toMatchObject({ ok: true })
  })

  it('when given arbitrary bytes or a composed entity cut anywhere, then it answers without throwing and never accepts a cut attestation', async () => {
    const entity = await composeMessage(input)
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        expect(readAttestation(Buffer.from(bytes)).ok).toBe(false)
      }),
    )
    const start = entity.indexOf('application/vnd.brucke.consent-attestation+json')
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: entity.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (at, byte) => {
          const changed = Buffer.from(entity)
          changed[at] = byte
          const read = readAttestation(changed)
          // A change inside the attestation's bytes is never accepted as the same attestation.
          if (read.ok && at > start) expect(read.attestation).toEqual(attestation)
          const cut = readAttestation(entity.subarray(0, at))
          if (cut.ok) expect(cut.attestation).toEqual(attestation)
        },
      ),
    )
  })
})
