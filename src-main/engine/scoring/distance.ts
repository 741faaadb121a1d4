import type { Norm } from '../../protocol/attacks'

/**
 * Per-sample distance between two stacks of images of equal layout (N images of `size` values).
 * MSE is Foolbox's: the mean squared difference over all values divided by (max − min)², which
 * is 1 on the [0, 1] scale.
 */
export function perSampleDistance(clean: Float32Array, other: Float32Array, count: number, norm: Norm): Float32Array {
  if (clean.length !== other.length) throw new Error(`perSampleDistance: ${clean.length} values against ${other.length}`)
  const size = count > 0 ? clean.length / count : 0
  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    let acc = 0
    for (let k = i * size, end = k + size; k < end; k++) {
      const d = other[k] - clean[k]
      if (norm === 'linf') {
        const a = Math.abs(d)
        if (a > acc) acc = a
      } else {
        acc += d * d
      }
    }
    out[i] = norm === 'linf' ? acc : norm === 'l2' ? Math.sqrt(acc) : norm === 'rms' ? Math.sqrt(acc / size) : acc / size
  }
  return out
}
