import { X509Certificate, createPrivateKey } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import forge from 'node-forge'
import { KeyError } from './errors.ts'

// node-forge is used for the PKCS#12 container only (import of agency keys, export of the demo
// PKI) — never on the per-message path. Key and certificate bytes leave forge as DER at once and
// all further work happens on native KeyObjects.

/** What a .p12/.pfx file holds for Brücke: the end-entity certificate, its key and the CA chain. */
export interface Pkcs12Contents {
  /** DER of the certificate that matches the private key. */
  certificate: Buffer
  /** DER of the other certificates in the file (issuers), in file order. */
  chain: Buffer[]
  privateKey: KeyObject
}

const maxPkcs12Bytes = 1024 * 1024

/**
 * Reads a PKCS#12 file (RFC 7292) with its passphrase: PBES2/AES (OpenSSL 3 default) or the
 * older PBE-SHA1-3DES, MAC with SHA-1 or SHA-2. RSA and EC keys.
 */
export function readPkcs12(data: Uint8Array, passphrase: string): Pkcs12Contents {
  if (data.byteLength === 0 || data.byteLength > maxPkcs12Bytes) {
    throw new KeyError('ERR_KEY_MALFORMED', 'PKCS#12 file is empty or larger than 1 MiB')
  }
  let p12: forge.pkcs12.Pkcs12Pfx
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(data).toString('binary')))
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, passphrase)
  } catch (cause) {
    const text = cause instanceof Error ? cause.message : ''
    if (/MAC could not be verified|wrong password|Invalid password/i.test(text)) {
      throw new KeyError('ERR_KEY_WRONG_PASSPHRASE', 'the PKCS#12 passphrase is wrong', { cause })
    }
    throw new KeyError('ERR_KEY_MALFORMED', 'not a readable PKCS#12 file', { cause })
  }
  const keys: KeyObject[] = []
  const certificates: Buffer[] = []
  for (const safeContents of p12.safeContents) {
    for (const bag of safeContents.safeBags) {
      if (bag.type === forge.pki.oids.certBag) {
        certificates.push(certificateDer(bag))
      } else if (
        bag.type === forge.pki.oids.pkcs8ShroudedKeyBag ||
        bag.type === forge.pki.oids.keyBag
      ) {
        keys.push(privateKeyOf(bag))
      }
    }
  }
  const [privateKey, ...extraKeys] = keys
  if (privateKey === undefined || extraKeys.length > 0) {
    throw new KeyError('ERR_KEY_MALFORMED', 'PKCS#12 file must hold exactly one private key', {
      details: { keys: keys.length },
    })
  }
  const leafIndex = certificates.findIndex((der) => matchesKey(der, privateKey))
  const certificate = certificates[leafIndex]
  if (certificate === undefined) {
    throw new KeyError('ERR_KEY_MISMATCH', 'no certificate in the PKCS#12 file matches its key', {
      details: { certificates: certificates.length },
    })
  }
  return {
    certificate,
    chain: certificates.filter((_der, index) => index !== leafIndex),
    privateKey,
  }
}

/** Input of {@link writePkcs12}. */
export interface WritePkcs12Input {
  certificate: Uint8Array
  chain?: Uint8Array[]
  /** An RSA private key (forge cannot write EC keys into PKCS#12). */
  privateKey: KeyObject
  passphrase: string
  friendlyName?: string
}

/**
 * Writes a PKCS#12 file OpenSSL 3 reads without the legacy provider: key and certificates
 * encrypted with PBES2/AES-256-CBC, HMAC-SHA-1 integrity (RFC 7292). RSA keys only.
 */
export function writePkcs12(input: WritePkcs12Input): Buffer {
  if (input.privateKey.asymmetricKeyType !== 'rsa') {
    throw new KeyError('ERR_KEY_UNSUPPORTED', 'PKCS#12 export supports RSA keys only', {
      details: { keyType: String(input.privateKey.asymmetricKeyType) },
    })
  }
  if (!new X509Certificate(Buffer.from(input.certificate)).checkPrivateKey(input.privateKey)) {
    throw new KeyError('ERR_KEY_MISMATCH', 'the private key does not belong to the certificate')
  }
  const key = forge.pki.privateKeyFromPem(
    input.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  )
  const certificates = [input.certificate, ...(input.chain ?? [])].map((der) =>
    forge.pki.certificateFromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary'))),
    ),
  )
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certificates, input.passphrase, {
    algorithm: 'aes256',
    count: 10000,
    saltSize: 16,
    generateLocalKeyId: true,
    ...(input.friendlyName === undefined ? {} : { friendlyName: input.friendlyName }),
  })
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')
}

function matchesKey(der: Buffer, privateKey: KeyObject): boolean {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(der)
  } catch (cause) {
    throw new KeyError('ERR_KEY_MALFORMED', 'PKCS#12 file holds an unreadable certificate', {
      cause,
    })
  }
  return certificate.checkPrivateKey(privateKey)
}

function certificateDer(bag: forge.pkcs12.Bag): Buffer {
  // forge parses only RSA certificates; for others it leaves the ASN.1 in `bag.asn1`.
  const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1
  if (asn1 === undefined) {
    throw new KeyError('ERR_KEY_MALFORMED', 'PKCS#12 certificate bag is empty')
  }
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')
}

function privateKeyOf(bag: forge.pkcs12.Bag): KeyObject {
  // forge turns RSA keys into its own objects and leaves other PrivateKeyInfo as ASN.1.
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1
  if (info === undefined) throw new KeyError('ERR_KEY_MALFORMED', 'PKCS#12 key bag is empty')
  try {
    return createPrivateKey({
      key: Buffer.from(forge.asn1.toDer(info).getBytes(), 'binary'),
      format: 'der',
      type: 'pkcs8',
    })
  } catch (cause) {
    throw new KeyError('ERR_KEY_UNSUPPORTED', 'PKCS#12 key is not a usable private key', { cause })
  }
}
