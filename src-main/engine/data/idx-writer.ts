import type { ImageShape } from './dataset'

/** IDX bytes of uint8 images (magic 0x00000803, dims N, H, W; 0x00000804 with C when C > 1). */
export function encodeIdxImages(pixels: Uint8Array, count: number, shape: ImageShape): Uint8Array {
  const [h, w, c] = shape
  const dims = c === 1 ? [count, h, w] : [count, h, w, c]
  return withHeader(dims, pixels)
}

/** IDX bytes of uint8 labels (magic 0x00000801). */
export function encodeIdxLabels(labels: ArrayLike<number>): Uint8Array {
  return withHeader([labels.length], Uint8Array.from(labels))
}

function withHeader(dims: number[], body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + body.length)
  const view = new DataView(out.buffer)
  out[2] = 0x08
  out[3] = dims.length
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false))
  out.set(body, 4 + 4 * dims.length)
  return out
}
