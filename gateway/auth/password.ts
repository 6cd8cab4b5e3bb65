import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

const parameters = { N: 2 ** 15, r: 8, p: 1 }
const keyLength = 32

/** The scrypt cost parameters (RFC 7914 §2), all of them required. */
interface ScryptCost {
  N: number
  r: number
  p: number
}

function scryptAsync(password: string, salt: Buffer, options: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      keyLength,
      { ...options, maxmem: 128 * options.N * options.r * 2 },
      (error, key) => (error ? reject(error) : resolve(key)),
    )
  })
}

/** Hashes a password with scrypt (RFC 7914) in the form `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, parameters)
  return [
    'scrypt',
    parameters.N,
    parameters.r,
    parameters.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$')
}

/** Checks a password against a stored hash; passed in `Deps` so tests can count the checks. */
export interface PasswordVerifier {
  verify(password: string, stored: string): Promise<boolean>
}

/**
 * A hash in the form and with the cost of {@link hashPassword}, of a random password nobody
 * kept. A login for a name without a password hash is checked against it, so an unknown name
 * costs the same one scrypt as a known one and the answer time does not tell which it was.
 */
export const dummyPasswordHash =
  'scrypt$32768$8$1$PjgXbDEHYrkjQT2ZHwm99w==$R1JTblbKMtNx0IDZqZ5pL1Ili0VNtDr06rAvNlBTzpo='

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  })
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** A password for generated accounts: 20 characters from an unambiguous alphabet (~100 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXYZ2346789'
  const bytes = randomBytes(20)
  let out = ''
  for (const byte of bytes) out += alphabet[byte % alphabet.length]
  return `${out.slice(0, 5)}-${out.slice(5, 10)}-${out.slice(10, 15)}-${out.slice(15, 20)}`
}

/** The real verifier: scrypt through Node's thread pool. */
export const scryptPasswords: PasswordVerifier = { verify: verifyPassword }
