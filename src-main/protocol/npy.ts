/** The NumPy .npy file format, shared by the engine (exports) and the renderer (downloads). */
/** Writes a NumPy .npy (format 1.0, little-endian, C order): float32, int32 or uint8 arrays. */
export function encodeNpy(data: Float32Array | Int32Array | Uint8Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Int32Array ? '<i4' : '|u1'
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ')
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`
  // The header plus the 10-byte preamble is padded with spaces to a multiple of 64 and ends in \n.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64
  header = header.padEnd(total - 10 - 1, ' ') + '\n'
  const out = new Uint8Array(total + data.byteLength)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
  new DataView(out.buffer).setUint16(8, header.length, true)
  out.set(new TextEncoder().encode(header), 10)
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total)
  return out
}
