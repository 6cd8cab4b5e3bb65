import { describe, expect, it } from 'vitest'
import {
  checkDrawing,
  checkEvidence,
  checkTypedName,
  readTypedSignature,
  typedSignatureEvidence,
} from '../../../gateway/consent/signature-evidence.ts'
import {
  attestedCircumstances,
  drawnSignature,
  paperScan,
  signaturePng,
  typedSignature,
} from '../../support/signature-evidence.ts'

/** The evidence of a signature is checked before any rule runs (issue «Consent integrity» 2). */

const refused = { code: 'ERR_CONSENT_EVIDENCE_INVALID' }
const png = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`

describe('evidence of a signature', () => {
  it('accepts a drawn PNG as a canvas makes it, a scanned PDF and written circumstances', () => {
    const drawn = checkEvidence('kiosk_drawn', drawnSignature())
    expect(drawn.evidenceSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(checkEvidence('paper_scan', paperScan()).evidence).toBe(paperScan())
    expect(() => checkEvidence('staff_attested', attestedCircumstances)).not.toThrow()
    // A tablet that scales the pad is fine too.
    expect(() => checkDrawing(signaturePng({ width: 1800, height: 520 }))).not.toThrow()
  })

  it('refuses 4 bytes of “drawing”, an empty pad, a damaged or truncated PNG and odd sizes', () => {
    const real = signaturePng()
    const damaged = Buffer.from(real)
    damaged[40] = (damaged[40] ?? 0) ^ 0xff
    for (const evidence of [
      'data:image/png;base64,iVBORw0KGgo=',
      `data:image/png;base64,${'iVBORw0KGgo'.repeat(20)}`,
      'x',
      png(signaturePng({ strokes: 0 })),
      png(damaged),
      png(real.subarray(0, real.length - 20)),
      png(signaturePng({ width: 20, height: 20 })),
      png(signaturePng({ width: 5000, height: 100 })),
      `data:image/jpeg;base64,${real.toString('base64')}`,
      `data:image/png;base64,${real.toString('base64')}!`,
    ])
      expect(() => checkEvidence('kiosk_drawn', evidence), evidence.slice(0, 40)).toThrow(
        expect.objectContaining(refused),
      )
  })

  it('refuses a scan that is only a hash, too small, mislabelled or of another type', () => {
    const pdf = Buffer.from(paperScan().split(',')[1] ?? '', 'base64')
    for (const evidence of [
      'a'.repeat(64),
      'sha256:' + 'a'.repeat(64),
      'data:application/pdf;base64,' + Buffer.from('%PDF-1.4 tiny').toString('base64'),
      'data:image/png;base64,' + pdf.toString('base64'),
      'data:text/plain;base64,' + pdf.toString('base64'),
    ])
      expect(() => checkEvidence('paper_scan', evidence)).toThrow(expect.objectContaining(refused))
  })

  it('refuses an attestation without the circumstances written down', () => {
    for (const evidence of ['x', 'ok, signed', drawnSignature(), ' '.repeat(100)])
      expect(() => checkEvidence('staff_attested', evidence)).toThrow(
        expect.objectContaining(refused),
      )
  })

  it('when a name is typed and the confirmation ticked, then the evidence is the name, the confirmed sentence and its language', () => {
    const evidence = typedSignature('Leonie Quastenberg')
    expect(checkEvidence('kiosk_typed', evidence).evidenceSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(readTypedSignature(evidence)).toMatchObject({
      typedName: 'Leonie Quastenberg',
      language: 'de',
    })
    expect(() => checkTypedName(evidence, 'Leonie Quastenberg')).not.toThrow()
    // The same act hashes the same: the evidence is built in one key order.
    expect(
      typedSignatureEvidence({
        language: 'de',
        confirmation: readTypedSignature(evidence)?.confirmation ?? '',
        typedName: 'Leonie Quastenberg',
      }),
    ).toBe(evidence)
  })

  it('when a typed signature lacks its confirmation, names no one, or names someone else, then it is refused', () => {
    const good = JSON.parse(typedSignature('Leonie Quastenberg')) as Record<string, unknown>
    for (const evidence of [
      'Leonie Quastenberg',
      drawnSignature(),
      attestedCircumstances,
      JSON.stringify({ ...good, confirmation: 'ja' }),
      JSON.stringify({ ...good, confirmation: undefined }),
      JSON.stringify({ ...good, typedName: '12345' }),
      JSON.stringify({ ...good, typedName: 'Leonie\u202eQuastenberg' }),
      JSON.stringify({ ...good, language: 'Deutsch' }),
      JSON.stringify({ ...good, extra: true }),
    ])
      expect(() => checkEvidence('kiosk_typed', evidence), evidence.slice(0, 60)).toThrow(
        expect.objectContaining(refused),
      )
    expect(() => checkTypedName(typedSignature('Leonie Quastenberg'), 'Petra Quastenberg')).toThrow(
      expect.objectContaining(refused),
    )
  })
})
