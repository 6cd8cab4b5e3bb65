import { createHash } from 'node:crypto'
import { canonicalJson } from '../audit/canonical-json.ts'
import type { Consent } from './consent.ts'

/**
 * The consent's own fingerprint for the receipt: SHA-256 over the canonical JSON (RFC 8785) of
 * the signed record without the drawn images, so the receipt can later be matched to the record.
 * Each signature's text reference (language, version, SHA-256 of what was read) is part of it.
 */
export function consentRecordSha256(consent: Consent): string {
  const record = {
    id: consent.id,
    kind: consent.kind,
    scope: consent.scope,
    subjectPseudonym: consent.subjectPseudonym,
    senders: consent.senders,
    recipients: consent.recipients,
    purposes: consent.purposes,
    categories: consent.categories,
    deselectedCategories: consent.deselectedCategories,
    deselectedRecipients: consent.deselectedRecipients,
    validFrom: consent.validFrom,
    validUntil: consent.validUntil,
    text: consent.text,
    signatures: consent.signatures.map((s) => ({
      role: s.role,
      name: s.name,
      signedAt: s.signedAt,
      method: s.method,
      evidenceSha256: s.evidenceSha256,
      ...(s.text ? { text: s.text } : {}),
    })),
  }
  return createHash('sha256').update(canonicalJson(record), 'utf8').digest('hex')
}
