import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import {
  consentTemplateSchema,
  type ConsentTemplate,
  type ConsentTextLibrary,
  type TemplateApproval,
} from '../../consent/consent-text.ts'

/** This folder: `<templateId>/v<version>/<language>.txt`. */
export const consentTemplateDir = dirname(fileURLToPath(import.meta.url))

/**
 * Reads every consent text template below `dir`. Adding a language is adding a file; a new
 * wording is a new `v<n>` folder (old consents keep pointing at the version they were signed
 * under). Files are read as UTF-8 and validated.
 */
export function loadConsentTemplates(dir: string = consentTemplateDir): ConsentTemplate[] {
  const templates: ConsentTemplate[] = []
  for (const templateId of readdirSync(dir).sort()) {
    const templatePath = join(dir, templateId)
    if (!statSync(templatePath).isDirectory()) continue
    for (const versionDir of readdirSync(templatePath).sort()) {
      const match = /^v([1-9][0-9]*)$/.exec(versionDir)
      if (!match) continue
      for (const file of readdirSync(join(templatePath, versionDir)).sort()) {
        if (!file.endsWith('.txt')) continue
        templates.push(
          consentTemplateSchema.parse({
            templateId,
            version: Number(match[1]),
            language: file.slice(0, -'.txt'.length),
            body: readFileSync(join(templatePath, versionDir, file), 'utf8'),
          }),
        )
      }
    }
  }
  return templates
}

const shippedApprovalsSchema = z.object({
  approvedBy: z.string().min(1),
  approvedAt: z.iso.datetime(),
  approvals: z.array(
    z.strictObject({
      templateId: z.string().min(1),
      version: z.number().int().positive(),
      language: z.string().min(2),
      bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
  ),
})

/** The template versions approved with the release (`approvals.json` in `dir`). */
export function loadShippedApprovals(dir: string = consentTemplateDir): TemplateApproval[] {
  const file = shippedApprovalsSchema.parse(
    JSON.parse(readFileSync(join(dir, 'approvals.json'), 'utf8')),
  )
  return file.approvals.map((a) => ({
    ...a,
    approvedBy: file.approvedBy,
    approvedAt: file.approvedAt,
  }))
}

/** The shipped consent texts with their release approvals. */
export function loadConsentTextLibrary(dir: string = consentTemplateDir): ConsentTextLibrary {
  return { templates: loadConsentTemplates(dir), shippedApprovals: loadShippedApprovals(dir) }
}
