import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../config/load.ts'
import { loginThrottleSettingsOf } from '../../../gateway/auth/auth-settings.ts'
import { ingressConnectionCapsOf } from '../../../gateway/relay/ingress-settings.ts'
import { resolveConfig } from '../../../gateway/runtime-config.ts'

const secret = Buffer.alloc(32, 7).toString('base64')
const base = { BRUCKE_DEMO: 'false', BRUCKE_MASTER_KEY: secret, BRUCKE_TOKEN_KEY: secret }
const cwd = () => mkdtempSync(join(tmpdir(), 'brucke-auth-settings-'))

describe('sign-in limit settings', () => {
  it('when nothing is set, then 10 per name, 50 per address, 15 minutes, 100 and 10 SMTP connections', () => {
    const config = resolveConfig(base, cwd())
    expect(loginThrottleSettingsOf(config)).toEqual({
      perUser: 10,
      perAddress: 50,
      windowMinutes: 15,
    })
    expect(ingressConnectionCapsOf(config)).toEqual({ maxClients: 100, maxClientsPerAddress: 10 })
  })

  it('when the environment sets them, then they apply', () => {
    const config = resolveConfig(
      {
        ...base,
        AUTH_FAILURE_LIMIT: '3',
        AUTH_FAILURE_LIMIT_PER_ADDRESS: '7',
        AUTH_FAILURE_WINDOW_MINUTES: '5',
        SMTP_INGRESS_MAX_CLIENTS: '20',
        SMTP_INGRESS_MAX_CLIENTS_PER_ADDRESS: '2',
      },
      cwd(),
    )
    expect(loginThrottleSettingsOf(config)).toEqual({ perUser: 3, perAddress: 7, windowMinutes: 5 })
    expect(ingressConnectionCapsOf(config)).toEqual({ maxClients: 20, maxClientsPerAddress: 2 })
  })

  it('when a limit is zero or not a number, then the problem names the variable', () => {
    const result = loadConfig({
      env: { AUTH_FAILURE_LIMIT: '0', SMTP_INGRESS_MAX_CLIENTS_PER_ADDRESS: 'many' },
      cwd: cwd(),
    })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => p.key)).toEqual(
      expect.arrayContaining(['AUTH_FAILURE_LIMIT', 'SMTP_INGRESS_MAX_CLIENTS_PER_ADDRESS']),
    )
  })
})
