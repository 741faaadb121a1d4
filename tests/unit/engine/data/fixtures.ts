import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { deflateRawSync } from 'node:zlib'

/** A fresh folder under the OS temp dir, and a function that removes it. */
export function tempFolder(prefix = 'hfc-data-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A version 1.0 .npy file: magic, header dict padded to 64 bytes, little-endian data. */
export function encodeNpy(descr: string, shape: number[], data: Uint8Array, fortran = false): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${dims}, }`
  const total = 10 + header.length + 1
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n'
  const out = new Uint8Array(10 + header.length + data.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
  new DataView(out.buffer).setUint16(8, header.length, true)
  out.set(new TextEncoder().encode(header), 10)
  out.set(data, 10 + header.length)
  return out
}

export function bytesOf(array: Float32Array | Int32Array | BigInt64Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
}

function crc32(bytes: Uint8Array): number {
  let crc = ~0
  for (const b of bytes) {
    crc ^= b
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

/** A zip archive (what np.savez writes): local headers, data, central directory, end record. */
export function encodeZip(entries: { name: string; data: Uint8Array; deflate: boolean }[]): Uint8Array {
  const chunks: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const entry of entries) {
    const name = new TextEncoder().encode(entry.name)
    const body = entry.deflate ? new Uint8Array(deflateRawSync(entry.data)) : entry.data
    const method = entry.deflate ? 8 : 0
    const crc = crc32(entry.data)
    const local = new Uint8Array(30 + name.length)
    const lv = new DataView(local.buffer)
    lv.setUint32(0, 0x04034b50, true)
    lv.setUint16(4, 20, true)
    lv.setUint16(8, method, true)
    lv.setUint32(14, crc, true)
    lv.setUint32(18, body.length, true)
    lv.setUint32(22, entry.data.length, true)
    lv.setUint16(26, name.length, true)
    local.set(name, 30)
    const dir = new Uint8Array(46 + name.length)
    const dv = new DataView(dir.buffer)
    dv.setUint32(0, 0x02014b50, true)
    dv.setUint16(4, 20, true)
    dv.setUint16(6, 20, true)
    dv.setUint16(10, method, true)
    dv.setUint32(16, crc, true)
    dv.setUint32(20, body.length, true)
    dv.setUint32(24, entry.data.length, true)
    dv.setUint16(28, name.length, true)
    dv.setUint32(42, offset, true)
    dir.set(name, 46)
    chunks.push(local, body)
    central.push(dir)
    offset += local.length + body.length
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0)
  const end = new Uint8Array(22)
  const ev = new DataView(end.buffer)
  ev.setUint32(0, 0x06054b50, true)
  ev.setUint16(8, entries.length, true)
  ev.setUint16(10, entries.length, true)
  ev.setUint32(12, dirSize, true)
  ev.setUint32(16, offset, true)
  const parts = [...chunks, ...central, end]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** A bottom-up Windows BMP with a 40-byte header: 24-bit BGR, 32-bit BGRX, or 8-bit with a palette. */
export function encodeBmp(rgb: Uint8Array, width: number, height: number, bpp: 8 | 24 | 32): Uint8Array {
  const paletteEntries = bpp === 8 ? 256 : 0
  const stride = Math.ceil((width * bpp) / 32) * 4
  const dataOffset = 54 + paletteEntries * 4
  const out = new Uint8Array(dataOffset + stride * height)
  const v = new DataView(out.buffer)
  out.set([0x42, 0x4d])
  v.setUint32(2, out.length, true)
  v.setUint32(10, dataOffset, true)
  v.setUint32(14, 40, true)
  v.setInt32(18, width, true)
  v.setInt32(22, height, true)
  v.setUint16(26, 1, true)
  v.setUint16(28, bpp, true)
  // 8-bit: a gray palette, so the image is stored as the luma of R (exact for gray images).
  for (let i = 0; i < paletteEntries; i++) out.set([i, i, i, 0], 54 + i * 4)
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (height - 1 - y) * stride
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3
      if (bpp === 8) out[row + x] = rgb[p]
      else out.set([rgb[p + 2], rgb[p + 1], rgb[p]], row + x * (bpp / 8))
    }
  }
  return out
}
