import { LabError } from '../base/errors'
import { jacobiSvd } from './jacobi-svd'

export interface SvdSplit {
  /** sum of sigma_i u_i v_i^T over the p - k largest singular values (p = min(h, w)). */
  dominant: Float32Array
  /** sum over the k smallest singular values. */
  trailing: Float32Array
}

function assertShape(images: Float32Array, n: number, h: number, w: number, c: number): void {
  if (![n, h, w, c].every((d) => Number.isInteger(d) && d >= 0) || images.length !== n * h * w * c) {
    throw new RangeError(`svdSplit expected ${n}x${h}x${w}x${c} NHWC values, got ${images.length}`)
  }
}

function assertTrailing(k: number, p: number): void {
  if (!Number.isInteger(k) || k < 0 || k > p) {
    throw new LabError('SVD_TRAILING_COUNT', `The number of trailing singular values must be an integer from 0 to ${p}, got ${k}.`)
  }
}

/**
 * docs/algorithms.md §SVD check for several k at once: each channel plane of each NHWC image is decomposed once, then split
 * into its dominant and k trailing singular components for every k in `ks`.
 */
export function svdSplitMany(images: Float32Array, n: number, h: number, w: number, c: number, ks: readonly number[]): SvdSplit[] {
  assertShape(images, n, h, w, c)
  const p = Math.min(h, w)
  ks.forEach((k) => assertTrailing(k, p))
  const splits = ks.map(() => ({ dominant: new Float32Array(images.length), trailing: new Float32Array(images.length) }))
  const plane = new Float64Array(h * w)
  const component = new Float64Array(p * h * w)
  for (let img = 0; img < n; img++) {
    const base = img * h * w * c
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < h * w; i++) plane[i] = images[base + i * c + ch]
      const { scaledU, v } = jacobiSvd(plane, h, w)
      for (let j = 0; j < p; j++) {
        for (let y = 0; y < h; y++) {
          const u = scaledU[y * p + j]
          for (let x = 0; x < w; x++) component[(j * h + y) * w + x] = u * v[x * p + j]
        }
      }
      ks.forEach((k, s) => {
        const { dominant, trailing } = splits[s]
        for (let i = 0; i < h * w; i++) {
          let dom = 0
          let trail = 0
          for (let j = 0; j < p - k; j++) dom += component[j * h * w + i]
          for (let j = p - k; j < p; j++) trail += component[j * h * w + i]
          dominant[base + i * c + ch] = dom
          trailing[base + i * c + ch] = trail
        }
      })
    }
  }
  return splits
}

/** docs/algorithms.md §SVD check: x_dom from the min(h, w) - k largest singular values and x_trail from the k smallest, per channel plane. */
export function svdSplit(images: Float32Array, n: number, h: number, w: number, c: number, k: number): SvdSplit {
  return svdSplitMany(images, n, h, w, c, [k])[0]
}
