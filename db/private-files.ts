import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/**
 * Files that hold personal data or secrets — the SQLite database and its WAL, the master key,
 * demo passwords and private keys, kept mail — are readable by the service's user only: files
 * 0600, directories Brücke creates for them 0700. Modes are set with chmod, because a mode given
 * at creation is cut by the process umask (a umask of 0 would leave a directory 0777 otherwise,
 * a strict one of 0277 would make it unusable).
 *
 * Lives in `db/` because the database needs it first; the gateway uses it for its files too.
 */
export const privateFileMode = 0o600
export const privateDirectoryMode = 0o700

/**
 * Creates `dir` and any missing parents with mode 0700. Directories that already exist keep their
 * mode: they may be shared (`/tmp`, a home directory) and are not Brücke's to change.
 */
export function makePrivateDirectory(dir: string): void {
  const target = resolve(dir)
  const firstCreated = mkdirSync(target, { recursive: true, mode: privateDirectoryMode })
  if (firstCreated === undefined) return
  // Every directory from the first one created down to the target is new.
  const created: string[] = []
  for (let at = target; ; at = dirname(at)) {
    created.push(at)
    if (at === resolve(firstCreated) || dirname(at) === at) break
  }
  for (const path of created.reverse()) chmodSync(path, privateDirectoryMode)
}

/**
 * Creates an empty file with mode 0600 unless it exists; true when it was created. An existing
 * file keeps its mode (the operator may have chosen it).
 */
export function createPrivateFile(path: string): boolean {
  let fd: number
  try {
    fd = openSync(path, 'wx', privateFileMode)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    fchmodSync(fd, privateFileMode)
  } finally {
    closeSync(fd)
  }
  return true
}

/**
 * Writes a file readable by its owner only, in a directory created 0700 when missing. The mode is
 * set before the first byte is written, so no reader ever sees the content under a wider mode —
 * also when the file existed with one. `flag: 'wx'` refuses to replace an existing file.
 */
export function writePrivateFile(
  path: string,
  content: string | Uint8Array,
  options: { flag?: 'w' | 'wx' } = {},
): void {
  makePrivateDirectory(dirname(path))
  const fd = openSync(path, options.flag ?? 'w', privateFileMode)
  try {
    fchmodSync(fd, privateFileMode)
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    let written = 0
    while (written < bytes.length) written += writeSync(fd, bytes, written)
  } finally {
    closeSync(fd)
  }
}
