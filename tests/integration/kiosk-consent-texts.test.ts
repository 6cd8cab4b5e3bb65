import { describe, expect, it } from 'vitest'
import { vocabulary } from '../../config/vocabulary.ts'
import { findConsentTemplate, renderConsentText } from '../../consent/consent-text.ts'
import { loadConsentTemplates } from '../../templates/consent/load-consent-templates.ts'
import { kioskLanguages } from '../../gateway/kiosk/kiosk-service.ts'

/** What each translation says about the binding German text (issue 6, point 2). */
const bindingNotes: Record<string, string> = {
  'de-ls': 'Gültig ist der Text auf Deutsch',
  en: 'Only the German text is legally binding',
  ar: 'النص الألماني وحده هو الملزم قانونياً',
  tr: 'Yalnızca Almanca metin hukuken bağlayıcıdır',
  uk: 'Юридичну силу має лише німецький текст',
  ru: 'Юридическую силу имеет только немецкий текст',
  fa: 'فقط متن آلمانی از نظر حقوقی معتبر است',
}

describe('consent texts in every kiosk language', () => {
  const hash = 'ab'.repeat(32)
  for (const kind of ['einwilligung', 'schweigepflichtsentbindung'] as const)
    for (const language of kioskLanguages)
      it(`renders ${kind} in ${language} with every block filled and no placeholder left`, () => {
        const template = findConsentTemplate(loadConsentTemplates(), kind, language)
        const { text, reference } = renderConsentText(
          template,
          {
            kind,
            senders: [{ id: 'ja-demo', name: 'Jugendamt Demo' }],
            recipients: [{ id: 'jc-demo', name: 'Jobcenter Demo' }],
            purposes: ['hilfeplanung'],
            categories: ['schule', 'gesundheit', 'justiz'],
            validFrom: '2026-03-02',
            validUntil: '2026-12-31',
            releasedProfessionals: ['Sozialpädagogin Träger X'],
            entrustingPersons: [{ isYouth: false, name: 'Anna Beispiel' }],
            summarySha256: hash,
            contact: 'Jobcenter Demo (u25@jc-demo.example)',
            subjectName: 'Mila Beispiel',
            preparer: 'Jugendamt Demo',
            privacyNotices: [
              {
                agencyId: 'ja-demo',
                controller: 'Stadt Demo, Jugendamt, Weg 1, 12345 Demo',
                dpoContact: 'dsb@ja-demo.example',
                supervisoryAuthority: 'LfD Demo-Land, Platz 2, 12340 Demo',
              },
              {
                agencyId: 'jc-demo',
                controller: 'Jobcenter Demo, Markt 1, 12345 Demo',
                dpoContact: 'dsb@jc-demo.example',
                supervisoryAuthority: 'BfDI, Graurheindorfer Straße 153, 53117 Bonn',
              },
            ],
            guardianRequired: true,
          },
          vocabulary,
        )
        expect(reference.language).toBe(language)
        expect(text).not.toMatch(/\{\{|\}\}/)
        expect(text).toContain('Jugendamt Demo')
        expect(text).toContain('Jobcenter Demo (u25@jc-demo.example)')
        expect(text).toContain(language === 'de-ls' ? '31. Dezember 2026' : '31.12.2026')
        expect(text).toContain(hash)
        // Art. 13 GDPR: controllers, data protection officers, supervisory authorities, the person.
        for (const value of [
          'Mila Beispiel',
          'Jugendamt Demo: Stadt Demo, Jugendamt, Weg 1, 12345 Demo',
          'Jobcenter Demo: dsb@jc-demo.example',
          'Jugendamt Demo: LfD Demo-Land, Platz 2, 12340 Demo',
          'Jobcenter Demo: BfDI, Graurheindorfer Straße 153, 53117 Bonn',
        ])
          expect(text).toContain(value)
        if (kind === 'schweigepflichtsentbindung') expect(text).toContain('Anna Beispiel')
        const note = bindingNotes[language]
        if (note) expect(text).toContain(note)
      })
})
