import { readdir, stat } from 'node:fs/promises'
import { gunzipSync, constants } from 'node:zlib'
import { basename } from 'node:path'
import { LabError } from '../base/errors'
import { isGzip, openRegularFile } from './byte-source'

/** Bytes looked at to recognise a format: enough for every magic number and header we sniff. */
const HEAD_BYTES = 512
/** Compressed bytes read to recover HEAD_BYTES from a gzip file. */
const GZIP_HEAD_BYTES = 16 << 10

/** What the registry knows about a path before choosing a reader. */
export interface DatasetProbe {
  path: string
  isFolder: boolean
  /** File size in bytes (0 for a folder). */
  size: number
  /** Names inside a folder, sorted; empty for a file. */
  entries: string[]
  /** First bytes of a file, decompressed when the file is gzipped; empty for a folder. */
  head: Uint8Array
  gzipped: boolean
}

export async function probePath(path: string): Promise<DatasetProbe> {
  const info = await stat(path).catch(() => {
    throw new LabError('DATA_NOT_FOUND', `${path} does not exist. Check the path and try again.`, path)
  })
  if (info.isDirectory()) {
    const entries = (await readdir(path)).sort()
    return { path, isFolder: true, size: 0, entries, head: new Uint8Array(0), gzipped: false }
  }
  const handle = await openRegularFile(path)
  try {
    const raw = new Uint8Array(Math.min(info.size, GZIP_HEAD_BYTES))
    await handle.read(raw, 0, raw.length, 0)
    const gzipped = isGzip(raw)
    const head = gzipped ? gunzipHead(raw) : raw.subarray(0, HEAD_BYTES)
    return { path, isFolder: false, size: info.size, entries: [], head, gzipped }
  } finally {
    await handle.close()
  }
}

/** The first decompressed bytes of a gzip stream, from its first compressed bytes only. */
function gunzipHead(raw: Uint8Array): Uint8Array {
  try {
    return new Uint8Array(gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH })).subarray(0, HEAD_BYTES)
  } catch {
    return new Uint8Array(0)
  }
}

export function nameOf(probe: DatasetProbe): string {
  return basename(probe.path).toLowerCase()
}
