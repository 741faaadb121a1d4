import { maskWeight, resolveMask, type MaskOptions } from './mask-options'

/** Index of the DC bin in a centred (fftshifted) axis of length n: numpy's fftshift position. */
export function centroid(n: number): number {
  return Math.floor(n / 2)
}

/** Largest centroid distance on an h x w grid; a strict circle with r above it keeps every bin. */
export function halfDiagonal(h: number, w: number): number {
  const cy = centroid(h)
  const cx = centroid(w)
  return Math.sqrt(cy * cy + cx * cx)
}

/** Signed frequency of natural-order (unshifted) DFT index k on an axis of length n. */
export function signedFrequency(k: number, n: number): number {
  return k < Math.ceil(n / 2) ? k : k - n
}

function assertSize(h: number, w: number): void {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
    throw new RangeError(`mask sizes must be positive integers, got ${h}x${w}`)
  }
}

/**
 * Mask weights in float64, row-major h x w, in centred (fftshifted) order or in natural FFT order
 * (the ifftshift of the centred one).
 */
export function maskGrid(h: number, w: number, r: number, options: MaskOptions | undefined, order: 'centred' | 'natural'): Float64Array {
  assertSize(h, w)
  const mask = resolveMask(r, options)
  const out = new Float64Array(h * w)
  const cy = centroid(h)
  const cx = centroid(w)
  for (let i = 0; i < h; i++) {
    const fy = order === 'centred' ? i - cy : signedFrequency(i, h)
    for (let j = 0; j < w; j++) out[i * w + j] = maskWeight(fy, order === 'centred' ? j - cx : signedFrequency(j, w), mask)
  }
  return out
}

/** Low-pass mask over the centred spectrum (row-major h x w), DC at (floor(h/2), floor(w/2)). */
export function radialMask(h: number, w: number, r: number, options?: MaskOptions): Float32Array {
  return Float32Array.from(maskGrid(h, w, r, options, 'centred'))
}

/** The same mask in natural FFT order (ifftshift of radialMask), to multiply fft2 output directly. */
export function radialMaskUnshifted(h: number, w: number, r: number, options?: MaskOptions): Float32Array {
  return Float32Array.from(maskGrid(h, w, r, options, 'natural'))
}

/** Number of bins a hard mask keeps (the kept-bin counts of docs/algorithms.md §D2); for a gaussian mask, the sum of weights. */
export function keptBinCount(h: number, w: number, r: number, options?: MaskOptions): number {
  return maskGrid(h, w, r, options, 'centred').reduce((sum, v) => sum + v, 0)
}
