import { describe, expect, it } from 'vitest'
import { auditEventSchema } from '../../../audit/audit-event.ts'
import { denyReasonCodes } from '../../../consent/decide.ts'
import { revocationChannelSchema } from '../../../consent/consent.ts'
import {
  auditFieldLabel,
  channelLabel,
  denyReasonLabel,
  eventTypeLabel,
} from '../../../templates/pages/code-labels.ts'
import { findRawCodes } from '../../../templates/pages/raw-codes.ts'

/** Every label must itself pass the raw-code check (a label is words, not another code). */
const isWords = (label: string, code: string) => {
  expect(label, `no label for ${code}`).not.toBe(code)
  expect(findRawCodes(`<p>${label}</p>`), label).toEqual([])
}

describe('German labels for stored codes (issue 18 point 6)', () => {
  const shapes = auditEventSchema.options.map(
    (o) => (o as unknown as { shape: Record<string, { value?: string }> }).shape,
  )

  it('names every audit event type', () => {
    for (const shape of shapes) {
      const type = shape.type?.value as string
      isWords(eventTypeLabel(type), type)
    }
  })

  it('names every field of every audit event', () => {
    for (const shape of shapes)
      for (const field of Object.keys(shape))
        if (field !== 'type') isWords(auditFieldLabel(field), field)
  })

  it('names every deny reason and channel', () => {
    for (const code of denyReasonCodes) isWords(denyReasonLabel(code), code)
    expect(denyReasonLabel('category_not_covered:gesundheit', () => 'Gesundheit')).toBe(
      'Datenkategorie „Gesundheit“ nicht abgedeckt',
    )
    for (const code of [
      ...revocationChannelSchema.options,
      'page',
      'api',
      'smtp_ingress',
      'system',
    ])
      isWords(channelLabel(code), code)
  })
})
