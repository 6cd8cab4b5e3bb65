import { senderCertificateReason } from '../../consent/decide.ts'
import { senderStandingOf } from './certificate-conditions.ts'
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

/**
 * Why the sending agency cannot sign, as the error its staff see; `details.reason` names the cause
 * with the code a dry run gives (`sender_certificate_revoked`, …, `sender_key_missing`).
 */
export function signerError(lookup: {
  problem: SignerProblem
  certificateCode?: string
}): RelayError {
  const { code, message } = signerErrors[lookup.problem]
  const standing = senderStandingOf({ ok: false, ...lookup })
  const reason = standing === 'valid' ? undefined : senderCertificateReason[standing]
  return new RelayError(code, message, {
    details: {
      ...(lookup.certificateCode === undefined ? {} : { certificateCode: lookup.certificateCode }),
      ...(reason === undefined ? {} : { reason }),
    },
  })
}
