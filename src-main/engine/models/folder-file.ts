import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs'
import { isAbsolute, relative, resolve, sep } from 'node:path'

/** Why a file a model names could not be read: `refused` says nothing about what lies outside the folder. */
export type FolderFileResult = { path: string; bytes: Uint8Array } | { refused: true } | { tooLarge: number }

function inside(folder: string, path: string): boolean {
  const rel = relative(folder, path)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

/**
 * Reads a file a model names (a weight shard, ONNX external data) from the model's folder. Only a
 * regular file that lies inside the folder once links are resolved is read. A name that points
 * outside is refused before the file system is asked anything, and a missing file, a link that
 * leads out, a device (/dev/zero) or a FIFO all get the same `refused`, so the answer reveals
 * nothing about files outside the folder. A file inside larger than `maxBytes` is not read.
 */
export function readFolderFile(folder: string, name: string, maxBytes: number): FolderFileResult {
  if (isAbsolute(name) || !inside(folder, resolve(folder, name))) return { refused: true }
  let real: string
  let root: string
  try {
    root = realpathSync(folder)
    real = realpathSync(resolve(folder, name))
  } catch {
    return { refused: true }
  }
  if (!inside(root, real)) return { refused: true }
  let fd: number
  try {
    // The path is already resolved: O_NOFOLLOW refuses a link swapped in since; O_NONBLOCK keeps a FIFO from blocking the open.
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW)
  } catch {
    return { refused: true }
  }
  try {
    const info = fstatSync(fd)
    if (!info.isFile()) return { refused: true }
    if (info.size > maxBytes) return { tooLarge: info.size }
    const bytes = new Uint8Array(info.size)
    let done = 0
    while (done < bytes.length) {
      const got = readSync(fd, bytes, done, bytes.length - done, done)
      if (got === 0) break
      done += got
    }
    return { path: resolve(folder, name), bytes: bytes.subarray(0, done) }
  } finally {
    closeSync(fd)
  }
}
