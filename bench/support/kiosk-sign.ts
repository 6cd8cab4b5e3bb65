import { drawnSignature } from '../../tests/support/signature-evidence.ts'

/** A call of the REST API: method, path under /api/v1, bearer token, JSON body. */
export type ApiCall = (
  method: string,
  path: string,
  options: { token: string; body?: unknown },
) => Promise<{ status: number; body: unknown }>

/** The kiosk's flow over the API: pick the draft up, show its text, the youth signs (drawn). */
export async function signAtKiosk(
  api: ApiCall,
  draft: unknown,
  kioskToken: string,
  name: string,
): Promise<string> {
  const { id, kioskCode } = draft as { id: string; kioskCode: string }
  const steps = [
    await api('GET', `/consents/pickup/${kioskCode}`, { token: kioskToken }),
    await api('GET', `/consents/${id}/text`, { token: kioskToken }),
    await api('POST', `/consents/${id}/signatures`, {
      token: kioskToken,
      body: { role: 'youth', name, method: 'kiosk_drawn', evidence: drawnSignature() },
    }),
  ]
  const failed = steps.find((step) => step.status !== 200)
  if (failed) throw new Error(`consent not signed: ${JSON.stringify(failed.body)}`)
  return id
}
