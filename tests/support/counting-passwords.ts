import { scryptPasswords } from '../../gateway/auth/password.ts'
import type { Deps } from '../../gateway/deps.ts'

/**
 * The real scrypt verifier, recording the stored hash of every check it runs: tests count the
 * password checks (and see which hash each ran against) without replacing the check itself.
 */
export function countingPasswords(): { checked: string[]; passwords: Deps['passwords'] } {
  const checked: string[] = []
  return {
    checked,
    passwords: {
      verify: (password, stored) => {
        checked.push(stored)
        return scryptPasswords.verify(password, stored)
      },
    },
  }
}
