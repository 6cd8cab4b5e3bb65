import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildCertificate } from '../../crypto/certificate-builder.ts'
import { generateKeyPair } from '../../crypto/certificate-key-pair.ts'
import { IngressStartError } from './ingress-start-error.ts'

/** id-kp-serverAuth (RFC 5280 §4.2.1.12). */
const serverAuth = '1.3.6.1.5.5.7.3.1'

export interface IngressTls {
  key: string | Buffer
  cert: string | Buffer
  /** `files` when the operator configured them, else `self-signed` (made at this start). */
  source: 'files' | 'self-signed'
}

/**
 * The STARTTLS identity of the SMTP ingress (RFC 3207): the operator's certificate and key
 * files when configured, otherwise a self-signed P-256 certificate made at start with our own
 * builder — so no key is ever committed, and a demo needs no setup. Mail clients then ask the
 * user to trust it once; production configures real files.
 */
export async function loadIngressTls(input: {
  certFile: string | undefined
  keyFile: string | undefined
  hostname: string
  at: Date
}): Promise<IngressTls> {
  if (input.certFile !== undefined || input.keyFile !== undefined) {
    if (input.certFile === undefined || input.keyFile === undefined)
      throw new IngressStartError(
        'ERR_SMTP_INGRESS_TLS',
        'SMTP ingress TLS: set both SMTP_INGRESS_TLS_CERT_FILE and SMTP_INGRESS_TLS_KEY_FILE, or neither',
      )
    return {
      cert: readFileSync(resolve(input.certFile)),
      key: readFileSync(resolve(input.keyFile)),
      source: 'files',
    }
  }
  const { publicKey, privateKey } = await generateKeyPair('ec-p256')
  const built = buildCertificate({
    subject: { commonName: input.hostname, organization: 'Brücke SMTP ingress' },
    publicKey,
    issuer: { privateKey },
    notBefore: new Date(input.at.getTime() - 60 * 60_000),
    notAfter: new Date(input.at.getTime() + 365 * 24 * 60 * 60_000),
    extensions: {
      basicConstraints: { ca: false },
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: [serverAuth],
    },
  })
  return {
    cert: built.pem,
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    source: 'self-signed',
  }
}
