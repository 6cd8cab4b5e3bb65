import type { Config } from '../runtime-config.ts'

/** The SMTP ingress connection caps (config/schema.ts: SMTP_INGRESS_MAX_CLIENTS*). */
export function ingressConnectionCapsOf(config: Config): {
  maxClients: number
  maxClientsPerAddress: number
} {
  return {
    maxClients: config.smtpIngressMaxClients,
    maxClientsPerAddress: config.smtpIngressMaxClientsPerAddress,
  }
}
