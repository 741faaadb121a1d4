import { randomBytes } from 'node:crypto'
import { constants, existsSync } from 'node:fs'
import { access, link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { LabError } from '../base/errors'

/** fs error codes that mean "this place cannot take files", as opposed to a full disk or a bug. */
const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR'])

function existsError(path: string): LabError {
  return new LabError('EXISTS', `${path} already exists. Choose an empty folder, or confirm overwriting (CLI: --force).`)
}

function notWritable(folder: string, why: string): LabError {
  return new LabError('OUT_NOT_WRITABLE', `Cannot write to ${folder}: choose another folder (${why}).`, folder)
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? ''
}

/** A temp name beside `path` that no other process or worker thread can guess or share. */
export function tempNameBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`)
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
 * half-written file; refuses to replace an existing file unless `force`. Without `force` the file
 * is put in place with link(), which fails if another process created the file meanwhile.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { force?: boolean } = {}): Promise<void> {
  if (!options.force && existsSync(path)) throw existsError(path)
  const folder = dirname(path)
  await ensureWritableFolder(folder)
  const temp = tempNameBeside(path)
  try {
    // 'wx': never write through a file or link someone else put at the temp name.
    await writeFile(temp, data, { flag: 'wx' })
    if (options.force) await rename(temp, path)
    else await placeWithoutReplacing(temp, path)
  } catch (error) {
    // Permission checks can pass where the file system still refuses (a read-only mount, /proc, root squash).
    if (UNWRITABLE.has(codeOf(error))) throw notWritable(folder, `${codeOf(error)} writing ${basename(path)}`)
    throw error
  } finally {
    await rm(temp, { force: true })
  }
}

async function placeWithoutReplacing(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path)
  } catch (error) {
    const code = codeOf(error)
    if (code === 'EEXIST') throw existsError(path)
    // File systems without hard links (FAT, some network shares): the existence check above must do.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') await rename(temp, path)
    else throw error
  }
}
