import { existsSync } from 'node:fs'
import { sep } from 'node:path'

const ARCHIVE = `${sep}app.asar${sep}`
const UNPACKED = `${sep}app.asar.unpacked${sep}`

/**
 * In the packaged app, code runs from resources/app.asar while the files electron-builder unpacks
 * (asarUnpack: the worker bundle, wasm binaries, native addons) sit in resources/app.asar.unpacked.
 * Worker threads, wasm loaders and dlopen read the real file system, not the archive, so a path
 * into the archive is swapped for its unpacked twin where that exists. Outside a package, a no-op.
 */
export function unpackedPath(file: string): string {
  const at = file.lastIndexOf(ARCHIVE)
  if (at < 0) return file
  const twin = file.slice(0, at) + UNPACKED + file.slice(at + ARCHIVE.length)
  return existsSync(twin) ? twin : file
}
