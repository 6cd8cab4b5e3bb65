import type { SignerProblem } from './ports.ts'
import { RelayError, type RelayErrorCode } from './relay-error.ts'

/** The relay error of each reason an agency cannot sign: one code per missing thing. */
const signerErrors = {
  agency_unknown: {
    code: 'ERR_RELAY_SENDER_AGENCY_UNKNOWN',
    message: 'Your agency is not registered in the gateway; ask the administrator.',
  },
  certificate_missing: {
    code: 'ERR_RELAY_SENDER_CERTIFICATE_MISSING',
    message: 'Your agency has no signing certificate registered; ask the administrator.',
  },
  certificate_invalid: {
    code: 'ERR_RELAY_SENDER_CERTIFICATE_INVALID',
    message:
      'The signing certificate of your agency is not valid now (expired, revoked or untrusted); ask the administrator.',
  },
  key_missing: {
    code: 'ERR_RELAY_SENDER_KEY_MISSING',
    message:
      'Your agency has a certificate but no private key to sign with; ask the administrator to import the key.',
  },
} as const satisfies Record<SignerProblem, { code: RelayErrorCode; message: string }>

/** Why the sending agency cannot sign, as the error its staff see. */
export function signerError(lookup: {
  problem: SignerProblem
  certificateCode?: string
}): RelayError {
  const { code, message } = signerErrors[lookup.problem]
  return new RelayError(
    code,
    message,
    lookup.certificateCode === undefined
      ? {}
      : { details: { certificateCode: lookup.certificateCode } },
  )
}
