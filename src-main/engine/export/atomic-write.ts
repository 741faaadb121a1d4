import { randomBytes } from 'node:crypto'
import { constants, existsSync } from 'node:fs'
import { access, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { LabError } from '../errors'

/** fs error codes that mean "this place cannot take files", as opposed to a full disk or a bug. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR'])

function notWritable(folder: string, why: string): LabError {
  return new LabError('OUT_NOT_WRITABLE', `Cannot write to ${folder}: choose another folder (${why}).`, folder)
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? ''
}

/**
 * Creates `folder` (and missing parents) and checks that files can be written into it, or throws
 * OUT_NOT_WRITABLE. Parents are created one level at a time on purpose: Node's recursive mkdir
 * never returns on folders such as /proc, where mkdir answers ENOENT under a parent that exists,
 * and a call stuck in the thread pool can be neither cancelled nor outlived by a clean shutdown.
 */
export async function ensureWritableFolder(folder: string): Promise<void> {
  const target = resolve(folder)
  const missing: string[] = []
  for (let at = target; ; at = dirname(at)) {
    try {
      if (!(await stat(at)).isDirectory()) throw notWritable(folder, `${at} is a file`)
      break
    } catch (error) {
      if (error instanceof LabError) throw error
      if (codeOf(error) !== 'ENOENT') throw notWritable(folder, `${at}: ${codeOf(error) || String(error)}`)
      if (dirname(at) === at) throw notWritable(folder, 'no part of the path exists')
      missing.push(at)
    }
  }
  for (const dir of missing.reverse()) {
    try {
      await mkdir(dir)
    } catch (error) {
      if (codeOf(error) === 'EEXIST' && (await stat(dir)).isDirectory()) continue
      throw notWritable(folder, `cannot create ${dir}: ${codeOf(error) || String(error)}`)
    }
  }
  try {
    await access(target, constants.W_OK | constants.X_OK)
  } catch (error) {
    throw notWritable(folder, `no write permission: ${codeOf(error)}`)
  }
}

/**
 * Writes a file atomically (temp file beside it, then rename), so a crash or cancel never leaves a
 * half-written file; refuses to replace an existing file unless `force`.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { force?: boolean } = {}): Promise<void> {
  if (!options.force && existsSync(path)) {
    throw new LabError('EXISTS', `${path} already exists. Choose an empty folder, or confirm overwriting (CLI: --force).`)
  }
  const folder = dirname(path)
  await ensureWritableFolder(folder)
  const temp = join(folder, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(temp, data)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    // Permission checks can pass where the file system still refuses (a read-only mount, /proc, root squash).
    if (UNWRITABLE.has(codeOf(error))) throw notWritable(folder, `${codeOf(error)} writing ${basename(path)}`)
    throw error
  }
}
