import { readdir } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { openByteSource, type ByteSource } from './byte-source'
import { parseNpyHeader, type NpyHeader } from './npy-format'
import { openZipEntry, readZipDirectory, readZipEntryHead } from './zip-reader'

/** Enough bytes for any .npy header this lab meets (they are padded to 64 or 128 bytes). */
const HEADER_BYTES = 4096

/** One NumPy array found on disk: a .npy file or one member of a .npz archive. */
export interface NpyArrayRef {
  /** Array name: the .npz member without .npy (x_test, arr_0) or the .npy file's stem. */
  name: string
  /** Where it lives, for messages: file.npy or file.npz:member.npy. */
  where: string
  /** The file holding it, for fingerprints. */
  file: string
  header: NpyHeader
  /** Its bytes, header included, as a lazily read (or, for deflated members, inflated) source. */
  open(): Promise<ByteSource>
}

export function isNpyName(name: string): boolean {
  return /\.npy(\.gz)?$/i.test(name)
}

export function isNpzName(name: string): boolean {
  return /\.npz$/i.test(name)
}

/** Every array in a .npy or .npz file, with its header read but no data. */
export async function arraysIn(file: string): Promise<NpyArrayRef[]> {
  if (isNpzName(file)) {
    const entries = (await readZipDirectory(file)).filter((e) => e.name.endsWith('.npy'))
    return Promise.all(
      entries.map(async (entry) => ({
        name: entry.name.replace(/\.npy$/, ''),
        where: `${basename(file)}:${entry.name}`,
        file,
        header: parseNpyHeader(`${basename(file)}:${entry.name}`, await readZipEntryHead(file, entry, HEADER_BYTES)),
        open: () => openZipEntry(file, entry),
      })),
    )
  }
  const source = await openByteSource(file)
  try {
    const header = parseNpyHeader(file, await source.read(0, Math.min(source.size, HEADER_BYTES)))
    return [{ name: basename(file).replace(/\.npy(\.gz)?$/i, ''), where: basename(file), file, header, open: () => openByteSource(file) }]
  } finally {
    await source.close()
  }
}

/** Arrays in the other .npy/.npz files beside `file` (where a separately saved labels array lives). */
export async function siblingArrays(file: string): Promise<NpyArrayRef[]> {
  const folder = dirname(file)
  const names = (await readdir(folder)).sort().filter((n) => (isNpyName(n) || isNpzName(n)) && join(folder, n) !== file)
  const found: NpyArrayRef[] = []
  for (const name of names) {
    found.push(...(await arraysIn(join(folder, name)).catch(() => [])))
  }
  return found
}
