import pkcs11js from 'pkcs11js'
import { KeyError } from '../../crypto/errors.ts'
import type { PrivateKeyOperations } from '../../crypto/private-key-operations.ts'
import { ecPublicKeyOf, rsaPublicKeyOf } from '../../crypto/public-key-parts.ts'
import { createPkcs11KeyOperations } from './pkcs11-key-operations.ts'
import { resultCodeOf, type TokenSession } from './pkcs11-session.ts'

/** Where the token is and how to log in (docs/operator-guide.md, "Keys in hardware"). */
export interface TokenSettings {
  /** Path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string
  /** The token's label; undefined = the first slot with a token. */
  tokenLabel: string | undefined
  pin: string
}

/** A private key the token holds, as `brucke crypto token-keys` lists it. Never key material. */
export interface TokenKeyInfo {
  label: string
  /** CKA_ID in hex. */
  id: string
  keyType: 'rsa' | 'ec' | 'other'
  /** RSA modulus bits, or the EC curve's name (its OID in hex DER when unknown). */
  size: string
  sensitive: boolean
  extractable: boolean
  sign: boolean
  decrypt: boolean
  derive: boolean
}

/** One logged-in session on one token; synchronous, as the CMS code that calls it. */
export interface Pkcs11Token {
  listKeys(): TokenKeyInfo[]
  /** Operations on the private key with this CKA_LABEL; undefined when the token has none. */
  keyOperations(label: string): PrivateKeyOperations | undefined
  close(): void
}

/** Result codes that mean the session or login is gone, not that the operation was refused. */
const sessionLost = new Set([
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_OBJECT_HANDLE_INVALID',
  'CKR_KEY_HANDLE_INVALID',
  'CKR_DEVICE_REMOVED',
  'CKR_TOKEN_NOT_PRESENT',
])

/**
 * Opens the module, finds the token, opens a read-only session and logs in as the user. The
 * private keys never leave the token: signing, RSA decryption and ECDH run inside it, and only
 * public parts (modulus, exponent, curve, point) are read. Throws ERR_KEY_TOKEN, naming the
 * module and token but never the PIN.
 */
export function openPkcs11Token(settings: TokenSettings): Pkcs11Token {
  const module = new pkcs11js.PKCS11()
  let initialized = false
  try {
    module.load(settings.module)
    try {
      module.C_Initialize()
      initialized = true
    } catch (error) {
      // Another part of this process (a test, the CLI) already initialised the library.
      if (resultCodeOf(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw error
    }
  } catch (cause) {
    throw tokenError('cannot load the PKCS#11 module', settings, cause)
  }
  const slot = findSlot(module, settings)
  let session: Buffer | undefined
  const handles = new Map<string, Buffer>()

  const openSession = (): Buffer => {
    try {
      const opened = module.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION)
      try {
        module.C_Login(opened, pkcs11js.CKU_USER, settings.pin)
      } catch (error) {
        if (resultCodeOf(error) !== 'CKR_USER_ALREADY_LOGGED_IN') throw error
      }
      return opened
    } catch (cause) {
      throw tokenError('cannot log in to the token', settings, cause)
    }
  }
  const current = (): Buffer => {
    session ??= openSession()
    return session
  }
  const findPrivateKey = (label: string): Buffer | undefined => {
    const known = handles.get(label)
    if (known) return known
    const [handle] = findObjects(module, current(), [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_LABEL, value: label },
    ])
    if (handle) handles.set(label, handle)
    return handle
  }
  const tokenSession: TokenSession = {
    module,
    run(label, operation) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const key = findPrivateKey(label)
          if (!key) throw tokenError(`the token holds no private key labelled "${label}"`, settings)
          return operation(current(), key)
        } catch (error) {
          if (attempt > 1 || !sessionLost.has(resultCodeOf(error) ?? '')) throw error
          // The token was unplugged, restarted, logged out or timed the session out: close what
          // is left of the session and log in once more.
          handles.clear()
          if (session) {
            try {
              module.C_CloseSession(session)
            } catch {
              // Already gone with the token.
            }
          }
          session = undefined
        }
      }
    },
  }

  return {
    listKeys() {
      return findObjects(module, current(), [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      ]).map((handle) => describeKey(module, current(), handle))
    },
    keyOperations(label) {
      const handle = findPrivateKey(label)
      if (!handle) return undefined
      const publicKey = publicKeyOf(module, current(), handle)
      return createPkcs11KeyOperations({ session: tokenSession, label, publicKey })
    },
    close() {
      if (session) {
        try {
          module.C_Logout(session)
        } catch {
          // Logged out already (another session of this process logged out): nothing to undo.
        }
        module.C_CloseSession(session)
        session = undefined
      }
      if (initialized) module.C_Finalize()
      initialized = false
    },
  }
}

/** CKA_EC_PARAMS (the DER of the namedCurve OID) of the curves Brücke accepts, by name. */
const curveNames: Readonly<Record<string, string>> = {
  '06082a8648ce3d030107': 'P-256',
  '06052b81040022': 'P-384',
  '06052b81040023': 'P-521',
  '06092b2403030208010107': 'brainpoolP256r1',
}

function findSlot(module: pkcs11js.PKCS11, settings: TokenSettings): Buffer {
  const slots = module.C_GetSlotList(true)
  for (const slot of slots) {
    const label = module.C_GetTokenInfo(slot).label.trim()
    if (settings.tokenLabel === undefined || label === settings.tokenLabel) return slot
  }
  throw tokenError('no token with this label is present', settings)
}

function findObjects(
  module: pkcs11js.PKCS11,
  session: Buffer,
  template: pkcs11js.Template,
): Buffer[] {
  module.C_FindObjectsInit(session, template)
  try {
    const found: Buffer[] = []
    for (;;) {
      const batch = module.C_FindObjects(session, 64)
      if (batch.length === 0) return found
      found.push(...batch)
    }
  } finally {
    module.C_FindObjectsFinal(session)
  }
}

function attribute(
  module: pkcs11js.PKCS11,
  session: Buffer,
  handle: Buffer,
  type: number,
): Buffer | undefined {
  try {
    return module.C_GetAttributeValue(session, handle, [{ type }])[0]?.value
  } catch {
    return undefined
  }
}

function flag(module: pkcs11js.PKCS11, session: Buffer, handle: Buffer, type: number): boolean {
  return attribute(module, session, handle, type)?.[0] === 1
}

function keyTypeOf(
  module: pkcs11js.PKCS11,
  session: Buffer,
  handle: Buffer,
): TokenKeyInfo['keyType'] {
  const type = attribute(module, session, handle, pkcs11js.CKA_KEY_TYPE)
  const value = type && type.length > 0 ? type.readUIntLE(0, Math.min(type.length, 6)) : undefined
  if (value === pkcs11js.CKK_RSA) return 'rsa'
  if (value === pkcs11js.CKK_EC) return 'ec'
  return 'other'
}

function describeKey(module: pkcs11js.PKCS11, session: Buffer, handle: Buffer): TokenKeyInfo {
  const keyType = keyTypeOf(module, session, handle)
  const modulus = attribute(module, session, handle, pkcs11js.CKA_MODULUS)
  const curve = attribute(module, session, handle, pkcs11js.CKA_EC_PARAMS)
  return {
    label: attribute(module, session, handle, pkcs11js.CKA_LABEL)?.toString('utf8') ?? '',
    id: attribute(module, session, handle, pkcs11js.CKA_ID)?.toString('hex') ?? '',
    keyType,
    size:
      keyType === 'rsa' && modulus
        ? `${modulus.length * 8} bit`
        : keyType === 'ec' && curve
          ? (curveNames[curve.toString('hex')] ?? curve.toString('hex'))
          : '?',
    sensitive: flag(module, session, handle, pkcs11js.CKA_SENSITIVE),
    extractable: flag(module, session, handle, pkcs11js.CKA_EXTRACTABLE),
    sign: flag(module, session, handle, pkcs11js.CKA_SIGN),
    decrypt: flag(module, session, handle, pkcs11js.CKA_DECRYPT),
    derive: flag(module, session, handle, pkcs11js.CKA_DERIVE),
  }
}

/**
 * The public key of a private key in the token: RSA from the private object's modulus and
 * exponent (public attributes even of a sensitive key); EC from the curve and the point of the
 * public-key object with the same CKA_ID, since a private EC object has no point.
 */
function publicKeyOf(module: pkcs11js.PKCS11, session: Buffer, handle: Buffer) {
  const keyType = keyTypeOf(module, session, handle)
  if (keyType === 'rsa') {
    const modulus = attribute(module, session, handle, pkcs11js.CKA_MODULUS)
    const exponent = attribute(module, session, handle, pkcs11js.CKA_PUBLIC_EXPONENT)
    if (modulus && exponent) return rsaPublicKeyOf(modulus, exponent)
  }
  if (keyType === 'ec') {
    const parameters = attribute(module, session, handle, pkcs11js.CKA_EC_PARAMS)
    const id = attribute(module, session, handle, pkcs11js.CKA_ID)
    const [publicHandle] =
      id === undefined
        ? []
        : findObjects(module, session, [
            { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
            { type: pkcs11js.CKA_ID, value: id },
          ])
    const point = publicHandle && attribute(module, session, publicHandle, pkcs11js.CKA_EC_POINT)
    if (parameters && point) return ecPublicKeyOf(parameters, point)
    throw new KeyError(
      'ERR_KEY_TOKEN',
      'the token holds no public key (same CKA_ID) for this EC key',
    )
  }
  throw new KeyError('ERR_KEY_UNSUPPORTED', 'only RSA and EC keys in a token can be used')
}

function tokenError(message: string, settings: TokenSettings, cause?: unknown): KeyError {
  return new KeyError('ERR_KEY_TOKEN', message, {
    ...(cause === undefined ? {} : { cause }),
    details: {
      module: settings.module,
      token: settings.tokenLabel ?? null,
      result: resultCodeOf(cause) ?? null,
    },
  })
}
