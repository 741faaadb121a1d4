export interface Augmentation {
  /** Random translation by up to this many pixels per axis, zero-filled (0 = none). */
  maxShift?: number
  /** Mirror half of the images left–right (natural photos, not digits). */
  flip?: boolean
}

/**
 * A randomly augmented copy of a batch (NHWC): each image is shifted by a seeded random offset
 * and, with `flip`, mirrored with probability 1/2. Draws nothing from `random` for a step that
 * is not used, so runs without flips repeat those made before flips existed.
 */
export function augmentBatch(
  batch: Float32Array,
  shape: [number, number, number],
  options: Augmentation,
  random: () => number,
): Float32Array {
  const [h, w, c] = shape
  const size = h * w * c
  const max = options.maxShift ?? 0
  const out = new Float32Array(batch.length)
  for (let i = 0; i < batch.length / size; i++) {
    const dy = max > 0 ? Math.floor(random() * (2 * max + 1)) - max : 0
    const dx = max > 0 ? Math.floor(random() * (2 * max + 1)) - max : 0
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = i * size + ((y - dy) * w + Math.max(0, -dx)) * c
      const to = i * size + (y * w + Math.max(0, dx)) * c
      out.set(batch.subarray(from, from + (w - Math.abs(dx)) * c), to)
    }
    if (options.flip && random() < 0.5) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w >> 1; x++) {
          const a = i * size + (y * w + x) * c
          const b = i * size + (y * w + (w - 1 - x)) * c
          for (let k = 0; k < c; k++) {
            const t = out[a + k]
            out[a + k] = out[b + k]
            out[b + k] = t
          }
        }
      }
    }
  }
  return out
}
