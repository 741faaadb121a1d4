/** A decoded image: RGB bytes, row-major, top row first. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

export function isBmp(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x42 && head[1] === 0x4d
}

const BI_RGB = 0
const BI_BITFIELDS = 3
const BI_ALPHABITFIELDS = 6

/**
 * Decodes an uncompressed Windows BMP (libvips, and so sharp, has no BMP loader): 24-bit, 32-bit
 * (plain or with bit-field masks) and 1/4/8-bit palette images, bottom-up or top-down. Alpha is
 * dropped. Throws an Error saying what is wrong for anything else (RLE, 16-bit, truncated).
 */
export function decodeBmp(bytes: Uint8Array): RgbImage {
  if (!isBmp(bytes) || bytes.length < 26) throw new Error('not a BMP file (no "BM" header)')
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const dataOffset = v.getUint32(10, true)
  const dibSize = v.getUint32(14, true)
  const core = dibSize === 12
  if (!core && bytes.length < 54) throw new Error('the BMP header is truncated')
  const width = core ? v.getUint16(18, true) : v.getInt32(18, true)
  const rawHeight = core ? v.getInt16(20, true) : v.getInt32(22, true)
  const bpp = v.getUint16(core ? 24 : 28, true)
  const compression = core ? BI_RGB : v.getUint32(30, true)
  const height = Math.abs(rawHeight)
  const topDown = rawHeight < 0
  if (width <= 0 || height === 0) throw new Error(`the BMP size ${width}x${height} is not valid`)
  const paletted = bpp === 1 || bpp === 4 || bpp === 8
  if (!(paletted || bpp === 24 || bpp === 32)) throw new Error(`${bpp}-bit BMP is not supported (only 1, 4, 8, 24 and 32-bit)`)
  const fields = compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS
  if (!(compression === BI_RGB || (fields && bpp === 32))) throw new Error(`compressed BMP (method ${compression}) is not supported`)

  const masks = fields ? bitMasks(v) : null
  const palette = paletted ? readPalette(bytes, v, dibSize, core, bpp) : null
  const stride = Math.ceil((width * bpp) / 32) * 4
  if (dataOffset + stride * height > bytes.length) throw new Error('the BMP pixel data is truncated')

  const data = new Uint8Array(width * height * 3)
  for (let row = 0; row < height; row++) {
    const src = dataOffset + (topDown ? row : height - 1 - row) * stride
    let o = row * width * 3
    for (let x = 0; x < width; x++, o += 3) {
      if (palette) {
        const bit = x * bpp
        const index = (bytes[src + (bit >> 3)] >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1)
        data[o] = palette[index * 3]
        data[o + 1] = palette[index * 3 + 1]
        data[o + 2] = palette[index * 3 + 2]
      } else if (masks) {
        const p = v.getUint32(src + x * 4, true)
        data[o] = masks[0](p)
        data[o + 1] = masks[1](p)
        data[o + 2] = masks[2](p)
      } else {
        const p = src + x * (bpp >> 3)
        data[o] = bytes[p + 2]
        data[o + 1] = bytes[p + 1]
        data[o + 2] = bytes[p]
      }
    }
  }
  return { width, height, data }
}

/** R, G, B extractors from the bit-field masks at byte 54 (after a 40-byte header, or inside V4/V5 headers). */
function bitMasks(v: DataView): ((p: number) => number)[] {
  return [0, 4, 8].map((k) => {
    const mask = v.getUint32(54 + k, true)
    if (mask === 0) return () => 0
    let shift = 0
    while (((mask >>> shift) & 1) === 0) shift++
    const max = mask >>> shift
    return (p: number) => Math.round((((p & mask) >>> shift) * 255) / max)
  })
}

/** Palette as RGB triples; entries follow the header as BGR (core header) or BGRX. */
function readPalette(bytes: Uint8Array, v: DataView, dibSize: number, core: boolean, bpp: number): Uint8Array {
  const used = core ? 0 : v.getUint32(46, true)
  const count = Math.min(used > 0 ? used : 1 << bpp, 256)
  const entry = core ? 3 : 4
  const start = 14 + dibSize
  if (start + count * entry > bytes.length) throw new Error('the BMP palette is truncated')
  const palette = new Uint8Array(256 * 3)
  for (let i = 0; i < count; i++) {
    palette[i * 3] = bytes[start + i * entry + 2]
    palette[i * 3 + 1] = bytes[start + i * entry + 1]
    palette[i * 3 + 2] = bytes[start + i * entry]
  }
  return palette
}
