import { basename } from 'node:path'
import { LabError } from '../base/errors'

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59] // "\x93NUMPY"

/** Element types this reader understands, by NumPy descr without byte order. */
export const NPY_TYPES: Record<string, { bytes: number; float: boolean; signed: boolean }> = {
  u1: { bytes: 1, float: false, signed: false },
  i1: { bytes: 1, float: false, signed: true },
  u2: { bytes: 2, float: false, signed: false },
  i2: { bytes: 2, float: false, signed: true },
  u4: { bytes: 4, float: false, signed: false },
  i4: { bytes: 4, float: false, signed: true },
  u8: { bytes: 8, float: false, signed: false },
  i8: { bytes: 8, float: false, signed: true },
  f4: { bytes: 4, float: true, signed: true },
  f8: { bytes: 8, float: true, signed: true },
}

export interface NpyHeader {
  /** Element type without byte order, e.g. 'u1', 'f4'. */
  type: string
  shape: number[]
  /** Bytes before the first element. */
  dataOffset: number
}

export function looksLikeNpy(head: Uint8Array): boolean {
  return NPY_MAGIC.every((b, i) => head[i] === b)
}

/** Parses the header of a .npy array (format versions 1 to 3); `head` must hold the whole header. */
export function parseNpyHeader(file: string, head: Uint8Array): NpyHeader {
  const fail = (what: string) => new LabError('DATA_FORMAT', `${basename(file)} is not a NumPy array file HFC Lab can read: ${what}.`, file)
  if (!looksLikeNpy(head)) throw fail('it does not start with the .npy magic "\\x93NUMPY"')
  const major = head[6]
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const lengthBytes = major === 1 ? 2 : 4
  if (head.length < 8 + lengthBytes) throw fail('the header is truncated')
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true)
  const dataOffset = 8 + lengthBytes + headerLength
  if (head.length < dataOffset) throw fail('the header is truncated')
  const dict = new TextDecoder().decode(head.subarray(8 + lengthBytes, dataOffset))
  const descr = /'descr'\s*:\s*'([<>|=]?)([a-z]\d+)'/.exec(dict)
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(dict)
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(dict)
  if (!descr || !fortran || !shape) throw fail(`its header "${dict.trim()}" lacks descr, fortran_order or shape`)
  if (descr[1] === '>') throw fail('it is big-endian; save it little-endian (arr.astype("<f4") or "<u1")')
  if (!(descr[2] in NPY_TYPES)) throw fail(`its element type ${descr[2]} is not one of ${Object.keys(NPY_TYPES).join(', ')}`)
  if (fortran[1] === 'True') throw fail('it is stored in Fortran order; save np.ascontiguousarray(arr) instead')
  const dims = shape[1]
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map(Number)
  return { type: descr[2], shape: dims, dataOffset }
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}
