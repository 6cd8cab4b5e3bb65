import {
  AttributeTypeAndValue,
  AttributeValue,
  Name,
  RelativeDistinguishedName,
} from '@peculiar/asn1-x509'
import { CertificateError } from './errors.ts'

/** A distinguished name as the builder accepts it; attributes appear in this order (RFC 5280 §4.1.2.4). */
export interface DistinguishedName {
  country?: string
  organization?: string
  organizationalUnit?: string
  locality?: string
  commonName: string
  /** PKCS#9 emailAddress; legacy, RFC 8550 §3 prefers subjectAltName rfc822Name. */
  emailAddress?: string
}

/** Attribute type OIDs (RFC 5280 Appendix A, PKCS#9). */
export const nameAttributeOids = {
  country: '2.5.4.6',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  locality: '2.5.4.7',
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1',
} as const

const shortNames: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.7': 'L',
  '2.5.4.3': 'CN',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '2.5.4.5': 'serialNumber',
  '2.5.4.8': 'ST',
}

/** Builds an X.501 Name, one attribute per RDN, UTF8String except C and emailAddress. */
export function buildName(dn: DistinguishedName): Name {
  if (dn.commonName.trim() === '') {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'commonName must not be empty')
  }
  if (dn.country !== undefined && !/^[A-Z]{2}$/.test(dn.country)) {
    throw new CertificateError('ERR_CERT_INVALID_INPUT', 'country must be two capital letters')
  }
  const rdns: RelativeDistinguishedName[] = []
  const add = (type: string, value: AttributeValue): void => {
    rdns.push(new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value })]))
  }
  if (dn.country !== undefined) {
    add(nameAttributeOids.country, new AttributeValue({ printableString: dn.country }))
  }
  for (const key of ['organization', 'organizationalUnit', 'locality', 'commonName'] as const) {
    const value = dn[key]
    if (value !== undefined) add(nameAttributeOids[key], new AttributeValue({ utf8String: value }))
  }
  if (dn.emailAddress !== undefined) {
    add(nameAttributeOids.emailAddress, new AttributeValue({ ia5String: dn.emailAddress }))
  }
  return new Name(rdns)
}

/** Renders a Name for display and logs, e.g. `C=DE, O=Demo, CN=Demo CA` (RFC 4514 order reversed for readability). */
export function formatName(name: Name): string {
  const parts: string[] = []
  for (const rdn of name) {
    for (const attribute of rdn) {
      const label = shortNames[attribute.type] ?? attribute.type
      parts.push(`${label}=${attributeText(attribute.value)}`)
    }
  }
  return parts.join(', ')
}

/** The values of one attribute type in a Name (e.g. every emailAddress), in order. */
export function nameAttributeValues(name: Name, type: string): string[] {
  const values: string[] = []
  for (const rdn of name) {
    for (const attribute of rdn) {
      if (attribute.type === type) values.push(attributeText(attribute.value))
    }
  }
  return values
}

function attributeText(value: AttributeValue): string {
  if (value.ia5String !== undefined) return value.ia5String
  return value.toString()
}
