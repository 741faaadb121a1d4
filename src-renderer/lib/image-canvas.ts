/** Drawing helpers shared by every view that shows images (grid, decompositions, galleries). */

/** Copies uint8 HWC pixels (1 or 3 channels) into an RGBA ImageData. */
export function toImageData(bytes: Uint8Array, offset: number, h: number, w: number, c: number): ImageData {
  const image = new ImageData(w, h)
  const d = image.data
  for (let p = 0; p < h * w; p++) {
    const src = offset + p * c
    d[p * 4] = bytes[src]
    d[p * 4 + 1] = bytes[src + (c === 3 ? 1 : 0)]
    d[p * 4 + 2] = bytes[src + (c === 3 ? 2 : 0)]
    d[p * 4 + 3] = 255
  }
  return image
}

export type Stretch = 'clip' | 'minmax' | 'symmetric'

/**
 * float HWC values -> uint8 for display. 'clip' keeps [0, 1] as is (the paper's convention: x_h looks
 * nearly black), 'minmax' stretches [min, max] to [0, 255], 'symmetric' maps [-m, m] to [0, 255]
 * (for signed perturbations and gradients). Returns the bytes and the range that was mapped.
 */
export function floatToBytes(values: Float32Array, stretch: Stretch): { bytes: Uint8Array; lo: number; hi: number } {
  let lo = 0
  let hi = 1
  if (stretch !== 'clip') {
    let min = Infinity
    let max = -Infinity
    for (const v of values) {
      if (v < min) min = v
      if (v > max) max = v
    }
    if (stretch === 'minmax') {
      lo = min
      hi = max > min ? max : min + 1e-12
    } else {
      const m = Math.max(Math.abs(min), Math.abs(max), 1e-12)
      lo = -m
      hi = m
    }
  }
  const bytes = new Uint8Array(values.length)
  const scale = 255 / (hi - lo)
  for (let i = 0; i < values.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round((values[i] - lo) * scale)))
  return { bytes, lo, hi }
}

/** Draws HWC uint8 pixels onto a canvas scaled to its size, pixelated. */
export function drawBytes(canvas: HTMLCanvasElement, bytes: Uint8Array, h: number, w: number, c: number): void {
  const scratch = document.createElement('canvas')
  scratch.width = w
  scratch.height = h
  scratch.getContext('2d')!.putImageData(toImageData(bytes, 0, h, w, c), 0, 0)
  const ctx = canvas.getContext('2d')!
  ctx.imageSmoothingEnabled = false
  ctx.clearRect(0, 0, canvas.width, canvas.height)
  ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height)
}
