/** An HWC image in a typed array. */
export interface HwcImage<T extends Float32Array | Uint8Array = Float32Array | Uint8Array> {
  data: T
  height: number
  width: number
  channels: number
}

/** The size an image takes when its longer side is brought down to at most `maxSide`. */
export function fitInside(height: number, width: number, maxSide: number): [number, number] {
  const scale = Math.min(1, maxSide / Math.max(height, width))
  return [Math.max(1, Math.round(height * scale)), Math.max(1, Math.round(width * scale))]
}

/**
 * Area-average downscale to `height` × `width` (each target pixel averages the source pixels whose
 * centres fall in its footprint), so thin details such as a single changed pixel stay visible as a
 * faint dot instead of vanishing, as they would with point sampling.
 */
export function downscaleArea(image: HwcImage, height: number, width: number): Float32Array {
  const { data, height: h, width: w, channels: c } = image
  const out = new Float32Array(height * width * c)
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * h) / height)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * h) / height))
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * w) / width)
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * w) / width))
      const count = (y1 - y0) * (x1 - x0)
      for (let k = 0; k < c; k++) {
        let sum = 0
        for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += data[(sy * w + sx) * c + k]
        out[(y * width + x) * c + k] = sum / count
      }
    }
  }
  return out
}

/** Nearest-neighbour upscale by an integer factor, so small images stay crisp (pixels as blocks). */
export function upscaleNearest<T extends Float32Array | Uint8Array>(image: HwcImage<T>, factor: number): T {
  const { data, height: h, width: w, channels: c } = image
  const out = new (data.constructor as new (n: number) => T)(h * factor * w * factor * c)
  const rowLength = w * factor * c
  for (let y = 0; y < h; y++) {
    const target = y * factor * rowLength
    for (let x = 0; x < w; x++) {
      for (let f = 0; f < factor; f++) {
        for (let k = 0; k < c; k++) out[target + (x * factor + f) * c + k] = data[(y * w + x) * c + k]
      }
    }
    for (let f = 1; f < factor; f++) out.copyWithin(target + f * rowLength, target, target + rowLength)
  }
  return out
}
