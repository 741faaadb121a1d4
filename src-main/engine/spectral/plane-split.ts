import { fft2 } from './fft2'
import { maskGrid } from './mask'
import type { MaskOptions } from './mask-options'

export interface PlaneSplit {
  low: Float64Array
  high: Float64Array
  /** Largest |Im| discarded from either inverse transform (the diagnostic of docs/algorithms.md §Frequency split). */
  maxImag: number
}

/**
 * Exact float64 split of one real h x w plane: low = Re F^-1(M F x), high = Re F^-1((1 - M) F x),
 * with M the centred mask applied in natural order. Meant for small planes such as k x k kernels (D2)
 * and as the reference the tensor path is tested against.
 */
export function lowPassPlane(plane: Float64Array, h: number, w: number, r: number, options?: MaskOptions): PlaneSplit {
  const mask = maskGrid(h, w, r, options, 'natural')
  if (plane.length !== h * w) throw new RangeError(`expected an ${h}x${w} plane (${h * w} values), got ${plane.length}`)
  const spectrum = fft2(Float64Array.from(plane), new Float64Array(h * w), h, w)
  const lowRe = new Float64Array(h * w)
  const lowIm = new Float64Array(h * w)
  const highRe = new Float64Array(h * w)
  const highIm = new Float64Array(h * w)
  for (let k = 0; k < h * w; k++) {
    const m = mask[k]
    lowRe[k] = spectrum.re[k] * m
    lowIm[k] = spectrum.im[k] * m
    highRe[k] = spectrum.re[k] * (1 - m)
    highIm[k] = spectrum.im[k] * (1 - m)
  }
  const low = fft2(lowRe, lowIm, h, w, true)
  const high = fft2(highRe, highIm, h, w, true)
  let maxImag = 0
  for (let k = 0; k < h * w; k++) maxImag = Math.max(maxImag, Math.abs(low.im[k]), Math.abs(high.im[k]))
  return { low: low.re, high: high.re, maxImag }
}
