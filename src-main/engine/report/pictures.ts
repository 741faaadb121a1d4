import type { ReportImage } from '../../protocol/report'
import { upscaleNearest } from '../export/image-resize'

/** Report pictures are drawn at least this many pixels a side, pixels as blocks. */
const MIN_SIDE = 84
const GAP = 4

/** How a picture's values become [0, 1]: clipped (images), or min-max stretched (x_h, which is centred near 0). */
export type Tone = 'clip' | 'stretch'

/** An image on [0, 1] (or stretched) as RGB uint8, grey replicated to three channels. */
function toRgb(image: ReportImage, tone: Tone): Uint8Array {
  const [h, w, c] = image.shape
  let lo = 0
  let hi = 1
  if (tone === 'stretch') {
    lo = Infinity
    hi = -Infinity
    for (const v of image.data) {
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
    if (!(hi > lo)) hi = lo + 1
  }
  const out = new Uint8Array(h * w * 3)
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) {
      const v = (image.data[p * c + (c === 1 ? 0 : k)] - lo) / (hi - lo)
      out[p * 3 + k] = Math.round(Math.min(1, Math.max(0, v)) * 255)
    }
  }
  return out
}

/**
 * Images side by side on white, each scaled up by the same whole factor (nearest neighbour, so no
 * pixel is invented) to at least MIN_SIDE pixels: one row of the report's figures.
 */
export function pictureRow(images: { image: ReportImage; tone?: Tone }[]): { pixels: Uint8Array; height: number; width: number } {
  const [h, w] = images[0].image.shape
  const factor = Math.max(1, Math.ceil(MIN_SIDE / Math.max(h, w)))
  const H = h * factor
  const W = w * factor
  const width = images.length * W + (images.length - 1) * GAP
  const pixels = new Uint8Array(H * width * 3).fill(255)
  images.forEach(({ image, tone = 'clip' }, i) => {
    const big = upscaleNearest({ data: toRgb(image, tone), height: h, width: w, channels: 3 }, factor)
    for (let y = 0; y < H; y++) pixels.set(big.subarray(y * W * 3, (y + 1) * W * 3), (y * width + i * (W + GAP)) * 3)
  })
  return { pixels, height: H, width }
}
