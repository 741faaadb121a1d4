import { open } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { constants as fsConstants } from 'node:fs'
import { gunzip } from 'node:zlib'
import { promisify } from 'node:util'
import { basename } from 'node:path'
import { LabError } from '../base/errors'
import { INFLATE_CHUNK_BYTES, INPUT_LIMITS, tooLargeForMemory } from '../base/input-limits'

const gunzipAsync = promisify(gunzip)

/** Bytes of one (possibly decompressed) file, read at offsets. */
export interface ByteSource {
  /** The file the bytes come from, for error messages. */
  readonly file: string
  readonly size: number
  read(offset: number, length: number): Promise<Uint8Array>
  close(): Promise<void>
}

export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/** A source over bytes already in memory (a decompressed .gz, a deflated zip entry). Reads are views, not copies. */
export function memorySource(file: string, bytes: Uint8Array): ByteSource {
  return {
    file,
    size: bytes.length,
    async read(offset, length) {
      checkRange(file, bytes.length, offset, length)
      return bytes.subarray(offset, offset + length)
    },
    async close() {},
  }
}

/** A source that reads a plain file lazily with positioned reads; `start`/`size` select a window (a stored zip entry). */
export async function fileSource(file: string, start = 0, windowSize?: number): Promise<ByteSource> {
  const handle = await openRegularFile(file)
  const fileSize = (await handle.stat()).size
  const size = windowSize ?? fileSize - start
  if (start + size > fileSize) {
    await handle.close()
    throw truncated(file, fileSize)
  }
  let closed = false
  return {
    file,
    size,
    async read(offset, length) {
      checkRange(file, size, offset, length)
      const out = new Uint8Array(length)
      let done = 0
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, start + offset + done)
        if (bytesRead === 0) throw truncated(file, start + offset + done)
        done += bytesRead
      }
      return out
    },
    async close() {
      if (closed) return
      closed = true
      await handle.close()
    },
  }
}

/**
 * Opens a regular file for reading. Devices, FIFOs and sockets are refused before any read: a
 * FIFO would block the engine and a device such as /dev/zero never ends (O_NONBLOCK keeps the
 * open itself from waiting on a FIFO).
 */
export async function openRegularFile(file: string): Promise<FileHandle> {
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK)
  if ((await handle.stat()).isFile()) return handle
  await handle.close()
  throw new LabError(
    'DATA_NOT_FILE',
    `${basename(file)} is not a regular file (a device, pipe or socket). Choose a data file saved on disk.`,
    file,
  )
}

/** The whole of a regular file, refusing one larger than `cap` bytes before reading it. */
export async function readRegularFile(file: string, cap: number, tooLarge: () => LabError): Promise<Uint8Array> {
  const handle = await openRegularFile(file)
  try {
    if ((await handle.stat()).size > cap) throw tooLarge()
    const bytes = await handle.readFile()
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  } finally {
    await handle.close()
  }
}

/**
 * Opens a file as a byte source: a gzip file is decompressed once into one buffer that then
 * serves every read; anything else is read lazily from disk.
 */
export async function openByteSource(file: string): Promise<ByteSource> {
  const plain = await fileSource(file)
  const head = plain.size >= 2 ? await plain.read(0, 2) : new Uint8Array(0)
  if (!isGzip(head)) return plain
  await plain.close()
  return memorySource(file, await gunzipFile(file))
}

/** Decompresses a whole gzip file, stopping (with DATA_TOO_LARGE) once the output passes the stated cap. */
export async function gunzipFile(file: string): Promise<Uint8Array> {
  const cap = INPUT_LIMITS.maxInMemoryBytes
  const packed = await readRegularFile(file, cap, () => tooLargeForMemory(file, basename(file)))
  try {
    const out = await gunzipAsync(packed, { maxOutputLength: cap, chunkSize: INFLATE_CHUNK_BYTES })
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
  } catch (e) {
    if (isTooLarge(e)) throw tooLargeForMemory(file, basename(file))
    throw new LabError(
      'DATA_CORRUPT',
      `${basename(file)} is not a complete gzip file (${(e as Error).message}). Download it again or decompress it with another tool to check it.`,
      file,
    )
  }
}

/** zlib's refusal to produce more than maxOutputLength bytes. */
export function isTooLarge(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'ERR_BUFFER_TOO_LARGE'
}

function checkRange(file: string, size: number, offset: number, length: number): void {
  if (offset < 0 || length < 0 || offset + length > size) throw truncated(file, Math.min(offset + length, size))
}

function truncated(file: string, at: number): LabError {
  return new LabError(
    'DATA_TRUNCATED',
    `${basename(file)} ends early (at byte ${at}): the file is truncated. Download or copy it again.`,
    file,
  )
}

/** The whole file in memory, decompressed when it is gzipped (small files: labels, headers, metadata). */
export async function readWholeFile(file: string): Promise<Uint8Array> {
  const bytes = await readRegularFile(file, INPUT_LIMITS.maxInMemoryBytes, () => tooLargeForMemory(file, basename(file)))
  if (!isGzip(bytes)) return bytes
  return gunzipFile(file)
}
