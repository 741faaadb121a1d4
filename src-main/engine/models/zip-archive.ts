import { inflateRawSync } from 'node:zlib'
import { LabError } from '../base/errors'
import { formatBytes, INFLATE_CHUNK_BYTES, INPUT_LIMITS } from '../base/input-limits'

export const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04]

export function isZip(head: Uint8Array): boolean {
  return ZIP_SIGNATURE.every((b, i) => head[i] === b)
}

/** Inflates an entry, stopping once it passes the size the directory states (a lying entry or a bomb). */
function inflateEntry(data: Uint8Array, size: number, name: string, bad: (why: string) => LabError): Uint8Array {
  try {
    return new Uint8Array(inflateRawSync(data, { maxOutputLength: Math.max(1, size), chunkSize: INFLATE_CHUNK_BYTES }))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw bad(`entry ${name} inflates to more than the ${size} bytes it states`)
    throw bad(`entry ${name} does not inflate: ${(e as Error).message}`)
  }
}

/** The entries of a zip archive (stored or deflated), read from its central directory. */
export function readZipEntries(bytes: Uint8Array, source: string): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const bad = (why: string): LabError =>
    new LabError('MODEL_BAD_ARCHIVE', `${source} is not a readable zip archive (${why}). Save the model again.`)
  const tooLarge = (name: string): LabError =>
    new LabError(
      'MODEL_TOO_LARGE',
      `${source}: its entry ${name} holds more than ${formatBytes(INPUT_LIMITS.maxInMemoryBytes)}, HFC Lab's limit for a model archive entry (the file may be damaged).`,
    )
  let end = -1
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i
      break
    }
  }
  if (end < 0) throw bad('no end-of-directory record; the file may be truncated')
  const count = view.getUint16(end + 10, true)
  let offset = view.getUint32(end + 16, true)
  const entries = new Map<string, Uint8Array>()
  for (let n = 0; n < count; n++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) throw bad('damaged central directory')
    const method = view.getUint16(offset + 10, true)
    const compressedSize = view.getUint32(offset + 20, true)
    const size = view.getUint32(offset + 24, true)
    const nameLength = view.getUint16(offset + 28, true)
    const extraLength = view.getUint16(offset + 30, true)
    const commentLength = view.getUint16(offset + 32, true)
    const local = view.getUint32(offset + 42, true)
    const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength))
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw bad(`entry ${name} has no local header`)
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true)
    if (dataStart + compressedSize > bytes.length) throw bad(`entry ${name} is cut short`)
    const data = bytes.subarray(dataStart, dataStart + compressedSize)
    if (size > INPUT_LIMITS.maxInMemoryBytes) throw tooLarge(name)
    if (method === 0) entries.set(name, data)
    else if (method === 8) entries.set(name, inflateEntry(data, size, name, bad))
    else throw bad(`entry ${name} uses compression method ${method}`)
    if (entries.get(name)!.length !== size) throw bad(`entry ${name} has the wrong size`)
    offset += 46 + nameLength + extraLength + commentLength
  }
  return entries
}
