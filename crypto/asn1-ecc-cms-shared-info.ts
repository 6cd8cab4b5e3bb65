import { AsnProp, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema'
import { AlgorithmIdentifier } from '@peculiar/asn1-x509'

/**
 * ```asn
 * ECC-CMS-SharedInfo ::= SEQUENCE {
 *   keyInfo AlgorithmIdentifier,
 *   entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL,
 *   suppPubInfo [2] EXPLICIT OCTET STRING }
 * ```
 * The SharedInfo input of the ANSI X9.63 KDF for ECDH in CMS (RFC 5753 §7.2).
 */
export class EccCmsSharedInfo {
  keyInfo = new AlgorithmIdentifier()
  entityUInfo?: OctetString
  suppPubInfo = new OctetString()
  constructor(params: Partial<EccCmsSharedInfo> = {}) {
    Object.assign(this, params)
  }
}
// Legacy decorators applied by hand (this project compiles with standard decorators).
AsnProp({ type: AlgorithmIdentifier })(EccCmsSharedInfo.prototype, 'keyInfo')
AsnProp({ type: OctetString, context: 0, optional: true })(
  EccCmsSharedInfo.prototype,
  'entityUInfo',
)
AsnProp({ type: OctetString, context: 2 })(EccCmsSharedInfo.prototype, 'suppPubInfo')
AsnType({ type: AsnTypeTypes.Sequence })(EccCmsSharedInfo)
