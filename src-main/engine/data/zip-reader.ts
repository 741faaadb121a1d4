import { inflateRaw, inflateRawSync, constants } from 'node:zlib'
import { promisify } from 'node:util'
import { basename } from 'node:path'
import { LabError } from '../base/errors'
import { INFLATE_CHUNK_BYTES, INPUT_LIMITS, tooLargeForMemory } from '../base/input-limits'
import { fileSource, isTooLarge, memorySource, openRegularFile, type ByteSource } from './byte-source'

const inflateRawAsync = promisify(inflateRaw)

const EOCD = 0x06054b50
const EOCD64_LOCATOR = 0x07064b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50
const STORED = 0
const DEFLATED = 8
const MAX_COMMENT = 0xffff

/** One file inside a zip archive (.npz), as its central directory describes it. */
export interface ZipEntry {
  name: string
  method: number
  compressedSize: number
  size: number
  localHeaderOffset: number
}

function corrupt(file: string, what: string): LabError {
  return new LabError('DATA_CORRUPT', `${basename(file)} is not a readable zip/npz archive: ${what}. Save it again (np.savez).`, file)
}

async function readAt(file: string, offset: number, length: number): Promise<Uint8Array> {
  const handle = await openRegularFile(file)
  try {
    if (offset + length > (await handle.stat()).size) throw corrupt(file, 'it ends early')
    const out = new Uint8Array(length)
    const { bytesRead } = await handle.read(out, 0, length, offset)
    if (bytesRead < length) throw corrupt(file, 'it ends early')
    return out
  } finally {
    await handle.close()
  }
}

/** Lists the entries of a zip archive from its central directory (zip64 included, as np.savez writes). */
export async function readZipDirectory(file: string): Promise<ZipEntry[]> {
  const handle = await openRegularFile(file)
  const size = (await handle.stat()).size
  await handle.close()
  const tailLength = Math.min(size, 22 + MAX_COMMENT + 20)
  const tail = await readAt(file, size - tailLength, tailLength)
  const tv = new DataView(tail.buffer)
  let at = -1
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) {
      at = i
      break
    }
  }
  if (at < 0) throw corrupt(file, 'no end-of-central-directory record')
  let count = tv.getUint16(at + 10, true)
  let dirSize = tv.getUint32(at + 12, true)
  let dirOffset = tv.getUint32(at + 16, true)
  if (at >= 20 && tv.getUint32(at - 20, true) === EOCD64_LOCATOR) {
    const eocd64 = await readAt(file, Number(tv.getBigUint64(at - 20 + 8, true)), 56)
    const v = new DataView(eocd64.buffer)
    count = Number(v.getBigUint64(32, true))
    dirSize = Number(v.getBigUint64(40, true))
    dirOffset = Number(v.getBigUint64(48, true))
  }
  if (dirOffset + dirSize > size) throw corrupt(file, 'its central directory lies past the end of the file')
  const dir = await readAt(file, dirOffset, dirSize)
  const dv = new DataView(dir.buffer)
  const entries: ZipEntry[] = []
  let p = 0
  for (let k = 0; k < count; k++) {
    if (p + 46 > dir.length || dv.getUint32(p, true) !== CENTRAL) throw corrupt(file, 'a damaged central directory')
    const nameLength = dv.getUint16(p + 28, true)
    const extraLength = dv.getUint16(p + 30, true)
    const commentLength = dv.getUint16(p + 32, true)
    const entry: ZipEntry = {
      name: new TextDecoder().decode(dir.subarray(p + 46, p + 46 + nameLength)),
      method: dv.getUint16(p + 10, true),
      compressedSize: dv.getUint32(p + 20, true),
      size: dv.getUint32(p + 24, true),
      localHeaderOffset: dv.getUint32(p + 42, true),
    }
    readZip64Extra(dv, p + 46 + nameLength, extraLength, entry)
    entries.push(entry)
    p += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** Fields that overflow 32 bits are 0xffffffff and follow, in this order, in the zip64 extra field (id 1). */
function readZip64Extra(dv: DataView, start: number, length: number, entry: ZipEntry): void {
  for (let q = start; q + 4 <= start + length;) {
    const id = dv.getUint16(q, true)
    const size = dv.getUint16(q + 2, true)
    if (id === 1) {
      let r = q + 4
      const next = () => {
        const v = Number(dv.getBigUint64(r, true))
        r += 8
        return v
      }
      if (entry.size === 0xffffffff) entry.size = next()
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next()
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next()
    }
    q += 4 + size
  }
}

async function dataStart(file: string, entry: ZipEntry): Promise<number> {
  const local = await readAt(file, entry.localHeaderOffset, 30)
  const v = new DataView(local.buffer)
  if (v.getUint32(0, true) !== LOCAL) throw corrupt(file, `a damaged local header for ${entry.name}`)
  return entry.localHeaderOffset + 30 + v.getUint16(26, true) + v.getUint16(28, true)
}

function checkMethod(file: string, entry: ZipEntry): void {
  if (entry.method !== STORED && entry.method !== DEFLATED) {
    throw corrupt(file, `${entry.name} uses compression method ${entry.method}; only stored and deflated entries are supported`)
  }
}

/**
 * An entry's bytes as a source: a stored entry is read lazily from the archive at offsets; a
 * deflated one is inflated once into one buffer.
 */
export async function openZipEntry(file: string, entry: ZipEntry): Promise<ByteSource> {
  checkMethod(file, entry)
  const start = await dataStart(file, entry)
  if (entry.method === STORED) return fileSource(file, start, entry.size)
  if (entry.size > INPUT_LIMITS.maxInMemoryBytes) throw tooLargeForMemory(file, `${basename(file)}:${entry.name}`)
  // readAt refuses a compressed size that runs past the end of the archive, and inflation
  // stops at the size the directory states: a lying entry cannot make either allocate more.
  const packed = await readAt(file, start, entry.compressedSize)
  let bytes: Buffer
  try {
    bytes = await inflateRawAsync(packed, { maxOutputLength: Math.max(1, entry.size), chunkSize: INFLATE_CHUNK_BYTES })
  } catch (e) {
    if (isTooLarge(e)) throw corrupt(file, `${entry.name} inflates to more than the ${entry.size} bytes its directory entry states`)
    throw corrupt(file, `${entry.name} does not inflate (${(e as Error).message})`)
  }
  if (bytes.length !== entry.size) throw corrupt(file, `${entry.name} inflates to ${bytes.length} bytes, not ${entry.size}`)
  return memorySource(`${file}:${entry.name}`, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))
}

/** The first `length` bytes of an entry (an array header) without inflating the whole entry. */
export async function readZipEntryHead(file: string, entry: ZipEntry, length: number): Promise<Uint8Array> {
  checkMethod(file, entry)
  const start = await dataStart(file, entry)
  if (entry.method === STORED) return readAt(file, start, Math.min(length, entry.size))
  const packed = await readAt(file, start, Math.min(entry.compressedSize, length + 1024))
  try {
    return new Uint8Array(inflateRawSync(packed, { finishFlush: constants.Z_SYNC_FLUSH })).subarray(0, length)
  } catch (e) {
    throw corrupt(file, `${entry.name} does not inflate (${(e as Error).message})`)
  }
}
