import { describe, expect, it } from 'vitest'
import { kioskLanguages } from '../../../gateway/kiosk/kiosk-service.ts'
import {
  readTypedSignature,
  typedSignatureEvidence,
} from '../../../gateway/consent/signature-evidence.ts'
import { receiptStringsFor } from '../../../templates/pages/receipt/receipt-strings.ts'
import { signingStringsFor } from '../../../templates/pages/kiosk/signing-strings.ts'

/**
 * The signing widget's and the receipt's words, read from the person catalogues, exist in every
 * kiosk language (docs/design.md §5); key parity itself is person-catalogues.test.ts.
 */

const leaves = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(leaves)
      : Object.values(value as Record<string, unknown>).flatMap(leaves)

describe('the person’s words on the sign page and the receipt', () => {
  it('when the kiosk offers a language, then every signing and receipt string is there, not empty', () => {
    for (const language of kioskLanguages) {
      for (const strings of [signingStringsFor(language), receiptStringsFor(language)]) {
        // Every word is there: a missing catalogue key would leave `undefined` here.
        expect(
          leaves(strings).every((s) => typeof s === 'string' && s.trim().length > 0),
          language,
        ).toBe(true)
      }
    }
  })

  it('when a person confirms in any kiosk language, then the sentence makes a valid typed signature', () => {
    for (const language of kioskLanguages) {
      const evidence = typedSignatureEvidence({
        typedName: 'Leonie Quastenberg',
        confirmation: signingStringsFor(language).typedConfirm,
        language,
      })
      expect(readTypedSignature(evidence), language).toBeDefined()
    }
  })

  it('when a receipt names the self-service page or the agency, then every language has the place for it', () => {
    for (const language of kioskLanguages) {
      const strings = receiptStringsFor(language)
      expect(strings?.codeHelp, language).toContain('{url}')
      expect(strings?.pdfAtMe, language).toContain('{url}')
      expect(strings?.sealText, language).toContain('{agency}')
      expect(strings?.revokeWays[0], language).toContain('{url}')
      // The German legal term stays beside every translation of the kind.
      expect(strings?.title.schweigepflichtsentbindung, language).toContain(
        'Schweigepflichtsentbindung',
      )
      expect(strings?.title.einwilligung, language).toContain('Einwilligung')
    }
  })
})
