import * as tf from '@tensorflow/tfjs-core'
import { realFourierBasis } from './real-basis'
import { centroid } from './mask'

/** Enough for every size and radius an interactive session touches; older entries are disposed. */
const CAPACITY = 24
const entries = new Map<string, tf.Tensor2D[]>()

function cached(key: string, build: () => tf.Tensor2D[]): tf.Tensor2D[] {
  const fullKey = `${tf.getBackend()}|${key}`
  const hit = entries.get(fullKey)
  if (hit) {
    entries.delete(fullKey)
    entries.set(fullKey, hit)
    return hit
  }
  const made = build().map((t) => tf.keep(t))
  entries.set(fullKey, made)
  if (entries.size > CAPACITY) {
    const [oldestKey, oldest] = entries.entries().next().value as [string, tf.Tensor2D[]]
    entries.delete(oldestKey)
    oldest.forEach((t) => t.dispose())
  }
  return made
}

export interface BasisFactors {
  /** [n, k]: the first k real-basis columns; x @ analysis gives coefficients. */
  analysis: tf.Tensor2D
  /** [k, n]: its transpose, stored so no product needs a transposed operand (slow on wasm). */
  synthesis: tf.Tensor2D
}

/** The first k columns of the real Fourier basis of length n, as float32 tensors. */
export function basisFactors(n: number, k: number): BasisFactors {
  const [analysis, synthesis] = cached(`basis|${n}|${k}`, () => {
    const { matrix } = realFourierBasis(n)
    const a = new Float32Array(n * k)
    const s = new Float32Array(k * n)
    for (let t = 0; t < n; t++) {
      for (let j = 0; j < k; j++) {
        a[t * k + j] = matrix[t * n + j]
        s[j * n + t] = matrix[t * n + j]
      }
    }
    return [tf.tensor2d(a, [n, k]), tf.tensor2d(s, [k, n])]
  })
  return { analysis, synthesis }
}

export interface CentredDft {
  /** [n, n]: cos(2 pi f_u t / n) at [t, u], f_u = u - floor(n/2) the frequency at centred index u. */
  cos: tf.Tensor2D
  /** [n, n]: sin(2 pi f_u t / n); x @ cos - i x @ sin is the fftshifted DFT along an axis. */
  sin: tf.Tensor2D
}

export function centredDft(n: number): CentredDft {
  const [cos, sin] = cached(`centred-dft|${n}`, () => {
    const c = new Float32Array(n * n)
    const s = new Float32Array(n * n)
    const dc = centroid(n)
    for (let t = 0; t < n; t++) {
      for (let u = 0; u < n; u++) {
        const angle = (2 * Math.PI * (((((u - dc) * t) % n) + n) % n)) / n
        c[t * n + u] = Math.cos(angle)
        s[t * n + u] = Math.sin(angle)
      }
    }
    return [tf.tensor2d(c, [n, n]), tf.tensor2d(s, [n, n])]
  })
  return { cos, sin }
}
