import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import pkcs11js from 'pkcs11js'
import { runOk } from './interop-tools.ts'

/** Where Debian's softhsm2 package puts the module (also the multiarch path of other distributions). */
const modulePaths = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib64/softhsm/libsofthsm2.so',
]

export function softHsmModule(): string | undefined {
  return modulePaths.find((path) => existsSync(path))
}

export interface SoftHsmToken {
  module: string
  label: string
  pin: string
  /** Generates a key pair inside the token: private half sensitive and never extractable. */
  generate(kind: 'rsa-3072' | 'ec-p256', keyLabel: string, id: number): void
  /** Logs this process out of the token: every session of the process loses its login. */
  logOut(): void
  /** The private key's attribute as the token answers it, or the CKR_ code it refuses with. */
  readPrivateAttribute(keyLabel: string, type: number): Buffer | string
}

/** P-256 as CKA_EC_PARAMS: the DER of its namedCurve OID 1.2.840.10045.3.1.7. */
const p256Parameters = Buffer.from('06082a8648ce3d030107', 'hex')

/**
 * A SoftHSM2 token of its own in `dir` (its own softhsm2.conf and token directory, set as
 * SOFTHSM2_CONF for this test process, which the module reads at C_Initialize).
 */
export async function createSoftHsmToken(dir: string, module: string): Promise<SoftHsmToken> {
  const tokens = join(dir, 'tokens')
  await mkdir(tokens, { recursive: true })
  const conf = join(dir, 'softhsm2.conf')
  await writeFile(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  )
  process.env.SOFTHSM2_CONF = conf
  const label = 'brucke-test'
  const pin = '4711-test'
  await runOk('softhsm2-util', [
    '--init-token',
    '--free',
    '--label',
    label,
    '--pin',
    pin,
    '--so-pin',
    'so-4711',
  ])
  const withSession = <T>(run: (p11: pkcs11js.PKCS11, session: Buffer) => T): T => {
    const p11 = new pkcs11js.PKCS11()
    p11.load(module)
    let initialized = true
    try {
      p11.C_Initialize()
    } catch (error) {
      if (!String(error).includes('CKR_CRYPTOKI_ALREADY_INITIALIZED')) throw error
      initialized = false
    }
    try {
      const slot = p11
        .C_GetSlotList(true)
        .find((candidate) => p11.C_GetTokenInfo(candidate).label.trim() === label)
      if (!slot) throw new Error('test token not found')
      const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION)
      try {
        p11.C_Login(session, pkcs11js.CKU_USER, pin)
      } catch (error) {
        if (!String(error).includes('CKR_USER_ALREADY_LOGGED_IN')) throw error
      }
      try {
        return run(p11, session)
      } finally {
        p11.C_CloseSession(session)
      }
    } finally {
      if (initialized) p11.C_Finalize()
    }
  }
  return {
    module,
    label,
    pin,
    generate(kind, keyLabel, id) {
      withSession((p11, session) => {
        const common = [
          { type: pkcs11js.CKA_TOKEN, value: true },
          { type: pkcs11js.CKA_LABEL, value: keyLabel },
          { type: pkcs11js.CKA_ID, value: Buffer.from([id]) },
        ]
        const privateTemplate = [
          ...common,
          { type: pkcs11js.CKA_PRIVATE, value: true },
          { type: pkcs11js.CKA_SENSITIVE, value: true },
          { type: pkcs11js.CKA_EXTRACTABLE, value: false },
          { type: pkcs11js.CKA_SIGN, value: true },
        ]
        if (kind === 'rsa-3072') {
          p11.C_GenerateKeyPair(
            session,
            { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
            [
              ...common,
              { type: pkcs11js.CKA_VERIFY, value: true },
              { type: pkcs11js.CKA_ENCRYPT, value: true },
              { type: pkcs11js.CKA_MODULUS_BITS, value: 3072 },
              { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
            ],
            [...privateTemplate, { type: pkcs11js.CKA_DECRYPT, value: true }],
          )
        } else {
          p11.C_GenerateKeyPair(
            session,
            { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
            [
              ...common,
              { type: pkcs11js.CKA_VERIFY, value: true },
              { type: pkcs11js.CKA_EC_PARAMS, value: p256Parameters },
            ],
            [...privateTemplate, { type: pkcs11js.CKA_DERIVE, value: true }],
          )
        }
      })
    },
    logOut() {
      withSession((p11, session) => p11.C_Logout(session))
    },
    readPrivateAttribute(keyLabel, type) {
      return withSession((p11, session) => {
        p11.C_FindObjectsInit(session, [
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_LABEL, value: keyLabel },
        ])
        const [handle] = p11.C_FindObjects(session, 1)
        p11.C_FindObjectsFinal(session)
        if (!handle) throw new Error(`no key ${keyLabel}`)
        try {
          return p11.C_GetAttributeValue(session, handle, [{ type }])[0]?.value ?? Buffer.alloc(0)
        } catch (error) {
          return /CKR_\w+/.exec(String(error))?.[0] ?? String(error)
        }
      })
    },
  }
}
