import sharp from 'sharp'

/** Encodes uint8 HWC pixels (1 or 3 channels) as PNG. */
export async function encodePng(pixels: Uint8Array, height: number, width: number, channels: number): Promise<Buffer> {
  return sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: { width, height, channels: channels as 1 | 3 | 4 },
  })
    .png()
    .toBuffer()
}

/** Reads a PNG back as uint8 HWC with the given channel count (for the after-export re-check). */
export async function decodePng(file: string | Buffer, channels: number): Promise<Uint8Array> {
  let image = sharp(file)
  image = channels === 1 ? image.toColourspace('b-w') : image.removeAlpha()
  const { data } = await image.raw().toBuffer({ resolveWithObject: true })
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
}

/** float [0, 1] -> uint8 with rounding, as an 8-bit image file stores it. */
export function toBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, values[i])) * 255)
  return out
}
