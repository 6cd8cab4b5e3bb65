import { CodedError } from '../../errors/coded-error.ts'

/** Why the SMTP ingress cannot start: a setting the operator must change (never an HTTP answer). */
export const ingressStartErrorCodes = ['ERR_SMTP_INGRESS_LISTEN', 'ERR_SMTP_INGRESS_TLS'] as const
export type IngressStartErrorCode = (typeof ingressStartErrorCodes)[number]

export class IngressStartError extends CodedError<IngressStartErrorCode> {}
