import { describe, expect, it } from 'vitest'
import type { ConsentAttestation } from '../../../consent/consent-attestation.ts'
import {
  bindingHeaders,
  renderHtml,
  renderText,
  type ComposeMessageInput,
} from '../../../gateway/relay/compose-message.ts'

const attestation: ConsentAttestation = {
  version: 1,
  consentId: 'cns_1',
  kind: 'einwilligung',
  scope: 'standing',
  text: { templateId: 'einwilligung', version: 2, sha256: 'a'.repeat(64) },
  signatories: [
    // 23:30 UTC on 1 March is 2 March in Berlin: the cover sheet shows the Berlin day.
    { role: 'youth', signedAt: '2026-03-01T23:30:00.000Z', method: 'kiosk_drawn' },
    { role: 'guardian', signedAt: '2026-03-02T08:00:00.000Z', method: 'paper_scan' },
  ],
  validFrom: '2026-03-02',
  validUntil: '2026-12-31',
  senders: ['ja-demo'],
  recipients: ['jc-demo'],
  purposes: ['hilfeplanung'],
  categories: ['schule', 'familie'],
  entrustedCategories: [],
  status: 'active',
  issuedAt: '2026-03-02T09:00:00.000Z',
}

const input = (overrides: Partial<ComposeMessageInput> = {}): ComposeMessageInput => ({
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
  categories: ['schule', 'familie'],
  entrustedCategories: [],
  necessity: 'Abstimmung der Hilfe zum Übergang Schule–Beruf.',
  sections: [{ category: 'schule', title: 'Schule', body: 'Abschluss 2026 angestrebt.' }],
  attachments: [],
  ...overrides,
})

describe('cover sheet', () => {
  it('when the transfer carries data entrusted to the Jugendamt, then the cover sheet and a header say so with the § 65 notice', () => {
    const entrusted = input({ entrustedCategories: ['familie'] })
    for (const rendered of [renderText(entrusted), renderHtml(entrusted)]) {
      expect(rendered).toContain('§ 65 Abs. 1 Satz 2 SGB VIII')
      expect(rendered).toMatch(/Anvertraute Daten \(§ 65 SGB VIII\)/)
    }
    expect(bindingHeaders(entrusted)['X-Brucke-Entrusted-Categories']).toBe('familie')
  })

  it('when nothing entrusted is transferred, then there is no § 65 notice, but the purpose binding', () => {
    const plain = input()
    for (const rendered of [renderText(plain), renderHtml(plain)]) {
      expect(rendered).not.toContain('§ 65')
      expect(rendered).toContain('§ 67c SGB X')
    }
    expect(bindingHeaders(plain)).not.toHaveProperty('X-Brucke-Entrusted-Categories')
  })
})

describe('cover sheet: the consent attestation', () => {
  it('when a transfer is composed, then the cover sheet summarises kind, text version and who signed how and when, in German and without names', () => {
    for (const rendered of [renderText(input()), renderHtml(input())]) {
      expect(rendered).toContain('Einwilligung (§ 67b SGB X)')
      expect(rendered).toContain('einwilligung, Version 2')
      expect(rendered).toContain(
        'Jugendliche/r (Kiosk, 02.03.2026); Personensorgeberechtigte/r (Papier, 02.03.2026)',
      )
      expect(rendered).toContain('consent-attestation.json')
    }
  })
})
