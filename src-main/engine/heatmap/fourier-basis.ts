import { conjugatePairKey } from '../../protocol/heatmap'
import { centroid } from '../spectral'
import { mixSeed, mulberry32 } from '../base/random'

/**
 * The frequencies of a Fourier heat map (docs/algorithms.md §Fourier heat map): one (u, v) per
 * conjugate pair (u, v) ~ (-u, -v), since both give the same real basis image, taken over the
 * centred spectrum's offsets (u from -floor(H/2) to H-1-floor(H/2), likewise v), keeping those
 * whose offsets are multiples of `stride`. Order: ascending pair key, so every run, worker and
 * shard lists them alike. Returns [u0, v0, u1, v1, ...].
 */
export function heatmapFrequencies(h: number, w: number, stride = 1): Int32Array {
  const cy = centroid(h)
  const cx = centroid(w)
  const seen = new Map<number, [number, number]>()
  for (let a = 0; a < h; a++) {
    const u = a - cy
    if (u % stride !== 0) continue
    for (let b = 0; b < w; b++) {
      const v = b - cx
      if (v % stride !== 0) continue
      const key = conjugatePairKey(u, v, h, w)
      // The representative: the member of the pair with u > 0, or u = 0 and v >= 0 where possible.
      const current = seen.get(key)
      if (!current || u > current[0] || (u === current[0] && v > current[1])) seen.set(key, [u, v])
    }
  }
  const keys = [...seen.keys()].sort((x, y) => x - y)
  const out = new Int32Array(2 * keys.length)
  keys.forEach((key, k) => {
    const [u, v] = seen.get(key)!
    out[2 * k] = u
    out[2 * k + 1] = v
  })
  return out
}

/**
 * The real Fourier basis image of frequency (u, v) with unit L2 norm, H x W row-major: the real
 * inverse DFT of a spectrum with ones at (u, v) and (-u, -v), which is cos(2 pi (u y / H + v x / W))
 * up to scale. Its norm is sqrt(HW/2), or sqrt(HW) where the pair is one bin (zero or Nyquist
 * frequencies); the norm is computed, not assumed. Float64 for the reference; callers round.
 */
export function fourierBasisImage(u: number, v: number, h: number, w: number): Float64Array {
  // cos(a + b) = cos a cos b - sin a sin b from two 1-D tables: H + W angles instead of H * W.
  // Angles are reduced modulo one period, so large images stay precise.
  const angle = (f: number, t: number, n: number) => (2 * Math.PI * ((((f * t) % n) + n) % n)) / n
  const cosY = Float64Array.from({ length: h }, (_, y) => Math.cos(angle(u, y, h)))
  const sinY = Float64Array.from({ length: h }, (_, y) => Math.sin(angle(u, y, h)))
  const cosX = Float64Array.from({ length: w }, (_, x) => Math.cos(angle(v, x, w)))
  const sinX = Float64Array.from({ length: w }, (_, x) => Math.sin(angle(v, x, w)))
  const out = new Float64Array(h * w)
  let norm = 0
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const value = cosY[y] * cosX[x] - sinY[y] * sinX[x]
      out[y * w + x] = value
      norm += value * value
    }
  }
  const scale = 1 / Math.sqrt(norm)
  for (let i = 0; i < out.length; i++) out[i] *= scale
  return out
}

/**
 * The signs of the perturbation of one image at one frequency, one per channel, drawn from
 * (run seed, data-set index, frequency pair): no sign depends on the batch, worker, shard or
 * stride that evaluates it, and the heat map's example view redraws the same ones.
 */
export function perturbationSigns(seed: number, index: number, u: number, v: number, h: number, w: number, channels: number): Int8Array {
  const rng = mulberry32(mixSeed(mixSeed(seed, index), conjugatePairKey(u, v, h, w)))
  const out = new Int8Array(channels)
  for (let c = 0; c < channels; c++) out[c] = rng() < 0.5 ? -1 : 1
  return out
}

/**
 * Writes clip(x + eps * sign_c * basis, 0, 1) for every image and channel of `images`
 * ([n, H, W, C] on the [0, 1] scale) into `out` at `offset` (in pixels). The clip is the model's
 * input range on the data scale: every model maps [0, 1] to its own range itself.
 */
export function perturbInto(
  out: Float32Array,
  offset: number,
  images: Float32Array,
  basis: Float32Array,
  signs: ArrayLike<number>,
  eps: number,
  channels: number,
): void {
  const plane = basis.length
  for (let p = 0; p < plane; p++) {
    const step = eps * basis[p]
    for (let c = 0; c < channels; c++) {
      const at = p * channels + c
      const value = images[at] + signs[c] * step
      out[offset + at] = value < 0 ? 0 : value > 1 ? 1 : value
    }
  }
}
