import { expect } from 'vitest'
import type { Principal } from '../../accounts/roles.ts'
import { signConsent, type SignatureInput } from '../../gateway/consent/consent-service.ts'
import type { ConsentView } from '../../gateway/consent/consent-view.ts'
import type { Deps } from '../../gateway/deps.ts'
import {
  kioskCallerOf,
  showTextAtKiosk,
  startFromPickupCode,
} from '../../gateway/kiosk/kiosk-service.ts'
import type { TestServer } from './http-client.ts'
import { drawnSignature } from './signature-evidence.ts'

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
  const { id, kioskCode } = draft.body as { id: string; kioskCode: string }
  const signed = await signAtKioskOverApi(server, {
    kioskToken: input.kioskToken,
    kioskCode,
    consentId: id,
    signature: { role: 'youth', name: `${input.subject.givenName} ${input.subject.familyName}` },
  })
  expect(signed.status, JSON.stringify(signed.body)).toBe(200)
  return id
}

/**
 * A kiosk client's whole flow over the REST API: pick the draft up with its code (binding the
 * kiosk's flow to it), display its text (recorded as read), then post the drawn signature.
 */
export async function signAtKioskOverApi(
  server: TestServer,
  input: {
    kioskToken: string
    kioskCode: string
    consentId: string
    language?: string
    signature: { role: string; name: string } & Record<string, unknown>
  },
): Promise<{ status: number; body: unknown }> {
  const picked = await server.api('GET', `/consents/pickup/${input.kioskCode}`, {
    token: input.kioskToken,
  })
  expect(picked.status, JSON.stringify(picked.body)).toBe(200)
  const text = await server.api(
    'GET',
    `/consents/${input.consentId}/text${input.language ? `?language=${input.language}` : ''}`,
    { token: input.kioskToken },
  )
  expect(text.status, JSON.stringify(text.body)).toBe(200)
  return server.api('POST', `/consents/${input.consentId}/signatures`, {
    token: input.kioskToken,
    body: { method: 'kiosk_drawn', evidence: drawnSignature(), ...input.signature },
  })
}

/**
 * The same kiosk flow through the services (no HTTP): pick up by code, display the text, sign
 * with a drawn signature. Returns the consent after the signature.
 */
export async function signAtKioskFlow(
  deps: Deps,
  input: {
    kioskId: string
    agencyId: string
    kioskCode: string
    consentId: string
    language?: string
    signature: Partial<SignatureInput> & Pick<SignatureInput, 'role' | 'name'>
  },
): Promise<ConsentView> {
  const principal: Principal = {
    userId: input.kioskId,
    role: 'kiosk',
    agencyId: input.agencyId,
    allAgencies: false,
    via: 'token',
  }
  await startFromPickupCode(deps, principal, input.kioskCode)
  await showTextAtKiosk(deps, principal, input.language ? { language: input.language } : {})
  return signConsent(deps, {
    caller: kioskCallerOf(principal),
    consentId: input.consentId,
    signature: { method: 'kiosk_drawn', evidence: drawnSignature(), ...input.signature },
  })
}
