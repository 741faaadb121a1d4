import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { link, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { LabError } from '../errors'

function existsError(path: string): LabError {
  return new LabError('EXISTS', `${path} already exists. Choose an empty folder, or confirm overwriting (CLI: --force).`)
}

/** A temp name beside `path` that no other process or worker thread can guess or share. */
export function tempNameBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`)
}

/**
 * Writes a file atomically (temp file beside it, then rename), so a crash or cancel never leaves a
 * half-written file; refuses to replace an existing file unless `force`. Without `force` the file
 * is put in place with link(), which fails if another process created the file meanwhile.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { force?: boolean } = {}): Promise<void> {
  if (!options.force && existsSync(path)) throw existsError(path)
  await mkdir(dirname(path), { recursive: true })
  const temp = tempNameBeside(path)
  try {
    // 'wx': never write through a file or link someone else put at the temp name.
    await writeFile(temp, data, { flag: 'wx' })
    if (options.force) await rename(temp, path)
    else await placeWithoutReplacing(temp, path)
  } finally {
    await rm(temp, { force: true })
  }
}

async function placeWithoutReplacing(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') throw existsError(path)
    // File systems without hard links (FAT, some network shares): the existence check above must do.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') await rename(temp, path)
    else throw error
  }
}
