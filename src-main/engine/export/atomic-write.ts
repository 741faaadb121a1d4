import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { LabError } from '../errors'

/**
 * Writes a file atomically (temp file beside it, then rename), so a crash or cancel never leaves a
 * half-written file; refuses to replace an existing file unless `force`.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, options: { force?: boolean } = {}): Promise<void> {
  if (!options.force && existsSync(path)) {
    throw new LabError('EXISTS', `${path} already exists. Choose an empty folder, or confirm overwriting (CLI: --force).`)
  }
  await mkdir(dirname(path), { recursive: true })
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    await writeFile(temp, data)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}
