import { basename } from 'node:path'
import { LabError } from '../base/errors'

/** IDX element types (the third magic byte), as published with MNIST. */
export const IDX_TYPES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
}

export interface IdxHeader {
  typeCode: number
  dims: number[]
  /** Bytes before the first element: 4 magic bytes + 4 per dimension. */
  headerBytes: number
}

/** True when `head` starts like an IDX file: two zero bytes, a known type, 1 to 4 dimensions. */
export function looksLikeIdx(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] in IDX_TYPES && head[3] >= 1 && head[3] <= 4
}

/** Parses the magic number and dimension sizes from the first bytes of an IDX file. */
export function parseIdxHeader(file: string, head: Uint8Array): IdxHeader {
  if (!looksLikeIdx(head)) {
    const magic = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('')
    throw new LabError(
      'DATA_FORMAT',
      `${basename(file)} has the wrong magic number 0x${magic || '(empty)'} for an IDX file (expected 0x00000803 for images or 0x00000801 for labels). Check that it is an MNIST-style IDX file and not damaged.`,
      file,
    )
  }
  const ndims = head[3]
  const headerBytes = 4 + 4 * ndims
  if (head.length < headerBytes) {
    throw new LabError(
      'DATA_TRUNCATED',
      `${basename(file)} ends inside its IDX header: the file is truncated. Copy or download it again.`,
      file,
    )
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false))
  return { typeCode: head[2], dims, headerBytes }
}
