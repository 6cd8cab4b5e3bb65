import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema'
import {
  Attribute,
  CMSVersion,
  EncryptedContentInfo,
  OriginatorInfo,
  RecipientInfos,
} from '@peculiar/asn1-cms'

// @peculiar/asn1-cms has no AuthEnvelopedData; the schema classes below apply its legacy
// decorators by hand, because this project compiles with standard (TC39) decorators.

/**
 * `GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen AES-GCM-ICVlen DEFAULT 12 }`
 * (RFC 5084 §3.2).
 */
export class GcmParameters {
  nonce = new OctetString()
  icvLength = 12
  constructor(params: Partial<GcmParameters> = {}) {
    Object.assign(this, params)
  }
}
AsnProp({ type: OctetString })(GcmParameters.prototype, 'nonce')
AsnProp({ type: AsnPropTypes.Integer, defaultValue: 12 })(GcmParameters.prototype, 'icvLength')
AsnType({ type: AsnTypeTypes.Sequence })(GcmParameters)

/** `AuthAttributes ::= SET SIZE (1..MAX) OF Attribute` (RFC 5083 §2.1). */
export type AuthAttributes = Attribute[]

/**
 * ```asn
 * AuthEnvelopedData ::= SEQUENCE {
 *   version CMSVersion,
 *   originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *   recipientInfos RecipientInfos,
 *   authEncryptedContentInfo EncryptedContentInfo,
 *   authAttrs [1] IMPLICIT AuthAttributes OPTIONAL,
 *   mac MessageAuthenticationCode,
 *   unauthAttrs [2] IMPLICIT UnauthAttributes OPTIONAL }
 * ```
 * (RFC 5083 §2.1)
 */
export class AuthEnvelopedData {
  version: CMSVersion = CMSVersion.v0
  originatorInfo?: OriginatorInfo
  recipientInfos = new RecipientInfos()
  authEncryptedContentInfo = new EncryptedContentInfo()
  authAttrs?: AuthAttributes
  mac = new OctetString()
  unauthAttrs?: Attribute[]
  constructor(params: Partial<AuthEnvelopedData> = {}) {
    Object.assign(this, params)
  }
}
const proto = AuthEnvelopedData.prototype
AsnProp({ type: AsnPropTypes.Integer })(proto, 'version')
AsnProp({ type: OriginatorInfo, context: 0, implicit: true, optional: true })(
  proto,
  'originatorInfo',
)
AsnProp({ type: RecipientInfos })(proto, 'recipientInfos')
AsnProp({ type: EncryptedContentInfo })(proto, 'authEncryptedContentInfo')
AsnProp({ type: Attribute, repeated: 'set', context: 1, implicit: true, optional: true })(
  proto,
  'authAttrs',
)
AsnProp({ type: OctetString })(proto, 'mac')
AsnProp({ type: Attribute, repeated: 'set', context: 2, implicit: true, optional: true })(
  proto,
  'unauthAttrs',
)
AsnType({ type: AsnTypeTypes.Sequence })(AuthEnvelopedData)
