import type { PrivateKey } from '../../crypto/private-key-operations.ts'

/** The sending agency's signing identity (RFC 8551 §2.5.3: the signer certificate and chain). */
export interface SenderIdentity {
  agencyId: string
  mailbox: string
  /** In memory (file or key store) or operations on a key in a hardware token. */
  key: PrivateKey
  certificate: Buffer
  chain: Buffer[]
}

/** How the recipient's certificate fared at the instant of the decision. */
export type CertificateCheck = { ok: true } | { ok: false; code: string }

/** The recipient agency's encryption certificate, already validated at `at`. */
export interface RecipientIdentity {
  agencyId: string
  mailbox: string
  certificate: Buffer
  profile: 'modern' | 'compatible'
  check: CertificateCheck
}

/** Why an agency cannot sign at an instant; each is its own relay error code. */
export type SignerProblem =
  'agency_unknown' | 'certificate_missing' | 'certificate_invalid' | 'key_missing'

/** The agency's signing identity at `at`, or what is missing for one. */
export type SignerLookup =
  | { ok: true; identity: SenderIdentity }
  | { ok: false; problem: SignerProblem; certificateCode?: string }

/**
 * Where the relay gets agency certificates and keys. Resolved per use case at the use case's
 * instant, so a certificate revoked or expired since the last transfer is noticed at once.
 */
export interface AgencyKeyring {
  /** The agency's signing key and certificate, valid at `at`, or why there is none. */
  signer(agencyId: string, at: Date): Promise<SignerLookup>
  /** undefined when the agency has no certificate at all. */
  recipient(agencyId: string, at: Date): Promise<RecipientIdentity | undefined>
}

/** The SMTP handoff of one finished message (RFC 5321). */
export interface Mailer {
  /**
   * Hands `raw` (a complete RFC 5322 message) to the next hop. Resolves with the server's final
   * reply once it accepted the message; rejects with a {@link MailerFailure}.
   */
  send(input: { from: string; to: string[]; raw: string }): Promise<{ response: string }>
  close(): void
}

/** A failed handoff: `temporary` is retried with backoff, `permanent` fails the transfer. */
export class MailerFailure extends Error {
  constructor(
    readonly kind: 'temporary' | 'permanent',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'MailerFailure'
  }
}
