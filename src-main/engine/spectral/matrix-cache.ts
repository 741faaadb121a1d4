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

/**
 * [n, 2n] = [C | S] with C[t, u] = cos(2 pi f_u t / n), S[t, u] = sin(2 pi f_u t / n) and f_u the
 * frequency at centred index u (u - floor(n/2)): x @ C - i x @ S is the fftshifted DFT along an axis.
 */
export function centredDftMatrix(n: number): tf.Tensor2D {
  return cached(`centred-dft|${n}`, () => {
    const values = new Float32Array(n * 2 * n)
    const c = centroid(n)
    for (let t = 0; t < n; t++) {
      for (let u = 0; u < n; u++) {
        const f = u - c
        const angle = (2 * Math.PI * ((((f * t) % n) + n) % n)) / n
        values[t * 2 * n + u] = Math.cos(angle)
        values[t * 2 * n + n + u] = Math.sin(angle)
      }
    }
    return [tf.tensor2d(values, [n, 2 * n])]
  })[0]
}
