import { expect } from 'vitest'
import type { TestServer } from './http-client.ts'

/**
 * A Jobcenter → Jugendamt Einwilligung drafted by staff and signed by the young person at the
 * kiosk, through the REST API; its id.
 */
export async function signedEinwilligung(
  server: TestServer,
  input: {
    staffToken: string
    kioskToken: string
    subject: { givenName: string; familyName: string; birthDate: string }
    purpose: string
    categories: string[]
  },
): Promise<string> {
  const draft = await server.api('POST', '/consents', {
    token: input.staffToken,
    body: {
      kind: 'einwilligung',
      subject: input.subject,
      senders: ['jc-demo'],
      recipients: ['ja-demo'],
      purposes: [input.purpose],
      categories: input.categories,
      validUntil: '2026-12-31',
    },
  })
  expect(draft.status, JSON.stringify(draft.body)).toBe(201)
  const id = (draft.body as { id: string }).id
  const signed = await server.api('POST', `/consents/${id}/signatures`, {
    token: input.kioskToken,
    body: {
      role: 'youth',
      name: `${input.subject.givenName} ${input.subject.familyName}`,
      method: 'kiosk_drawn',
      evidence: 'data:image/png;base64,iVBORw0KGgo=',
    },
  })
  expect(signed.status, JSON.stringify(signed.body)).toBe(200)
  return id
}
