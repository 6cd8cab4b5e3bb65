import type { Config } from '../runtime-config.ts'

/**
 * Defaults of the SMTP ingress connection caps (config/schema.ts: SMTP_INGRESS_MAX_CLIENTS,
 * SMTP_INGRESS_MAX_CLIENTS_PER_ADDRESS). A staff mail client holds one or two connections; the
 * caps keep one client (or a flood of them) from taking every socket and thread of the gateway.
 */
export const ingressDefaults = { maxClients: 100, maxClientsPerAddress: 10 } as const

export function ingressConnectionCapsOf(config: Config): {
  maxClients: number
  maxClientsPerAddress: number
} {
  return {
    maxClients: config.smtpIngressMaxClients ?? ingressDefaults.maxClients,
    maxClientsPerAddress:
      config.smtpIngressMaxClientsPerAddress ?? ingressDefaults.maxClientsPerAddress,
  }
}
