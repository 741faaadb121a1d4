/**
 * torchvision's standard evaluation transform, Resize(s) + CenterCrop(h, w) on a PIL image, on
 * HWC uint8 pixels (docs/algorithms.md §Image size): the shorter side to s (the longer to
 * trunc(s·long/short)), then a centre crop at round((H - h) / 2) with Python's round-half-even.
 * Resize is Pillow's bilinear resample: a triangle filter widened by the downscale factor (so it
 * antialiases), coefficients in 22-bit fixed point, a horizontal pass then a vertical one, each
 * rounded to uint8, which this follows step by step so the pixels equal Pillow's.
 */

const PRECISION_BITS = 32 - 8 - 2
const ONE = 2 ** PRECISION_BITS

/** Per output index: the first input index, and the fixed-point weights of the inputs it reads. */
interface Coefficients {
  start: Int32Array
  weights: Int32Array[]
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize
  const filterScale = Math.max(scale, 1)
  const support = filterScale
  const ss = 1 / filterScale
  const start = new Int32Array(outSize)
  const weights: Int32Array[] = []
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale
    // Pillow rounds with a C (int) cast of a value that is positive here, i.e. truncation.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0)
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize)
    const raw: number[] = []
    let total = 0
    for (let i = lo; i < hi; i++) {
      const d = Math.abs((i - center + 0.5) * ss)
      const w = d < 1 ? 1 - d : 0
      raw.push(w)
      total += w
    }
    start[o] = lo
    weights.push(Int32Array.from(raw, (w) => Math.trunc((total !== 0 ? w / total : w) * ONE + 0.5)))
  }
  return { start, weights }
}

function clip8(sum: number): number {
  const v = Math.floor(sum / ONE)
  return v < 0 ? 0 : v > 255 ? 255 : v
}

/** One separable pass along rows (horizontal) or columns (vertical) of an HWC uint8 image. */
function pass(src: Uint8Array, h: number, w: number, c: number, out: [number, number], horizontal: boolean): Uint8Array {
  const [oh, ow] = out
  const dst = new Uint8Array(oh * ow * c)
  const { start, weights } = horizontal ? coefficients(w, ow) : coefficients(h, oh)
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const o = horizontal ? x : y
      const k = weights[o]
      for (let ch = 0; ch < c; ch++) {
        let sum = ONE / 2
        for (let t = 0; t < k.length; t++) {
          const sy = horizontal ? y : start[o] + t
          const sx = horizontal ? start[o] + t : x
          sum += src[(sy * w + sx) * c + ch] * k[t]
        }
        dst[(y * ow + x) * c + ch] = clip8(sum)
      }
    }
  }
  return dst
}

/** Pillow's Image.resize((width, height), BILINEAR) on HWC uint8 pixels. */
export function pilBilinearResize(pixels: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  let img = pixels
  if (outW !== w) img = pass(img, h, w, c, [h, outW], true)
  if (outH !== h) img = pass(img, h, outW, c, [outH, outW], false)
  return img === pixels ? pixels.slice() : img
}

/** Python's round() on a value that is a whole number or a half: halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v)
  if (v - f !== 0.5) return Math.round(v)
  return f % 2 === 0 ? f : f + 1
}

/** The side the shorter image side is resized to before a centre crop of h x w: torchvision's 256 for 224. */
export function torchvisionResizeSide(h: number, w: number): number {
  return Math.floor((Math.min(h, w) * 256) / 224)
}

/** Resize(shorter side → torchvisionResizeSide) + CenterCrop(outH, outW), as torchvision on a PIL image. */
export function torchvisionResizeCrop(pixels: Uint8Array, h: number, w: number, c: number, outH: number, outW: number): Uint8Array {
  const side = torchvisionResizeSide(outH, outW)
  const [short, long] = w <= h ? [w, h] : [h, w]
  const newLong = Math.trunc((side * long) / short)
  const [rh, rw] = w <= h ? [newLong, side] : [side, newLong]
  const resized = pilBilinearResize(pixels, h, w, c, rh, rw)
  // A crop larger than the resized image pads with zeros first, (crop - size) // 2 before, as
  // torchvision's center_crop does.
  const offset = (size: number, crop: number): number => (crop > size ? -Math.floor((crop - size) / 2) : roundHalfEven((size - crop) / 2))
  const top = offset(rh, outH)
  const left = offset(rw, outW)
  const out = new Uint8Array(outH * outW * c)
  for (let y = 0; y < outH; y++) {
    const sy = y + top
    if (sy < 0 || sy >= rh) continue
    for (let x = 0; x < outW; x++) {
      const sx = x + left
      if (sx < 0 || sx >= rw) continue
      for (let ch = 0; ch < c; ch++) out[(y * outW + x) * c + ch] = resized[(sy * rw + sx) * c + ch]
    }
  }
  return out
}
