import { z } from 'zod'
import { job, method } from './define'
import { defenseSchema } from './models'
import { selectionFields } from './selection'

/**
 * Fourier heat map (docs/algorithms.md §Fourier heat map): the error rate of a model on images
 * perturbed by one real Fourier basis image per frequency, at L2 norm ε per channel.
 */

/** One confidence drop is counted in units of 2^-24, so sums over shards and workers merge exactly. */
export const DROP_UNIT = 2 ** -24

export interface FourierHeatmap {
  /** Image shape H, W, C. */
  shape: [number, number, number]
  /** L2 norm of the perturbation of each channel, on the [0, 1] pixel scale. */
  eps: number
  /** Every k-th frequency along each axis (1: all). */
  stride: number
  seed: number
  defense: string
  /** Images evaluated. */
  n: number
  /** Images misclassified without any perturbation. */
  cleanErrors: number
  /**
   * The frequencies evaluated, one per conjugate pair (u, v) ~ (-u, -v): [u0, v0, u1, v1, ...],
   * signed offsets from the zero frequency of the centred spectrum.
   */
  frequencies: Int32Array
  /** Per frequency: perturbed images misclassified. */
  errors: Int32Array
  /** Per frequency: the summed drop of true-class softmax probability, in DROP_UNIT units (whole numbers). */
  dropUnits: Float64Array
  /** The engine that ran the forward passes ('onnxruntime' or the TF.js backend). */
  engine: string
}

export interface HeatmapGrids {
  /** H x W, row-major, centred (zero frequency at floor(H/2), floor(W/2)); NaN where not evaluated. */
  error: Float32Array
  confidenceDrop: Float32Array
}

/** Natural-order index of a signed frequency on an axis of length n. */
const wrap = (f: number, n: number) => ((f % n) + n) % n

/** One key per conjugate pair: the smaller natural-order flat index of (u, v) and (-u, -v). */
export function conjugatePairKey(u: number, v: number, h: number, w: number): number {
  return Math.min(wrap(u, h) * w + wrap(v, w), wrap(-u, h) * w + wrap(-v, w))
}

/** The centred grids of a heat map, both halves filled from each frequency's pair. */
export function heatmapGrids(map: FourierHeatmap): HeatmapGrids {
  const [h, w] = map.shape
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  const slot = new Map<number, number>()
  for (let k = 0; k < map.errors.length; k++) slot.set(conjugatePairKey(map.frequencies[2 * k], map.frequencies[2 * k + 1], h, w), k)
  const error = new Float32Array(h * w).fill(NaN)
  const confidenceDrop = new Float32Array(h * w).fill(NaN)
  const n = Math.max(map.n, 1)
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < w; b++) {
      const k = slot.get(conjugatePairKey(a - cy, b - cx, h, w))
      if (k === undefined) continue
      error[a * w + b] = map.errors[k] / n
      confidenceDrop[a * w + b] = (map.dropUnits[k] * DROP_UNIT) / n
    }
  }
  return { error, confidenceDrop }
}

/**
 * Mean of a centred H x W grid over rings of integer radius round(sqrt(u^2 + v^2)), r = 0 .. max;
 * NaN cells (frequencies not evaluated) are left out, and empty rings are NaN.
 */
export function radialProfile(grid: Float32Array, h: number, w: number): number[] {
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  const sums: number[] = []
  const counts: number[] = []
  for (let a = 0; a < h; a++) {
    for (let b = 0; b < w; b++) {
      const value = grid[a * w + b]
      if (Number.isNaN(value)) continue
      const r = Math.round(Math.hypot(a - cy, b - cx))
      while (sums.length <= r) {
        sums.push(0)
        counts.push(0)
      }
      sums[r] += value
      counts[r] += 1
    }
  }
  return sums.map((s, r) => (counts[r] ? s / counts[r] : NaN))
}

/** Sums heat maps of disjoint image sets (shards, workers, batches) into the map of their union: exact. */
export function mergeHeatmaps(parts: FourierHeatmap[]): FourierHeatmap {
  const first = parts[0]
  const errors = new Int32Array(first.errors.length)
  const dropUnits = new Float64Array(first.dropUnits.length)
  for (const p of parts) {
    for (let k = 0; k < errors.length; k++) {
      errors[k] += p.errors[k]
      dropUnits[k] += p.dropUnits[k]
    }
  }
  return {
    ...first,
    n: parts.reduce((s, p) => s + p.n, 0),
    cleanErrors: parts.reduce((s, p) => s + p.cleanErrors, 0),
    errors,
    dropUnits,
  }
}

export interface HeatmapExample {
  index: number
  label: number
  u: number
  v: number
  shape: [number, number, number]
  original: Float32Array
  perturbed: Float32Array
  /** The unit-norm basis image of (u, v), H x W. */
  basis: Float32Array
  /** The sign drawn for each channel. */
  signs: number[]
  clean: { label: number; confidence: number }
  prediction: { label: number; confidence: number }
}

const datasetId = z.string().min(1).max(64)
const modelId = z.string().min(1).max(64)
const eps = z.number().gt(0).max(10_000)
const stride = z.number().int().min(1).max(1024)

export const heatmapMethods = {
  'spectral.heatmap': job(
    z
      .object({
        datasetId,
        modelId,
        defense: defenseSchema.default({ kind: 'none' }),
        eps,
        stride: stride.default(1),
        ...selectionFields,
      })
      .strict(),
    'Fourier heat map: error rate and mean true-class confidence drop under a unit Fourier basis perturbation of L2 norm eps per channel, for every frequency pair (every stride-th).',
  ).returns<FourierHeatmap>(),
  'spectral.heatmapExample': method(
    z
      .object({
        datasetId,
        modelId,
        defense: defenseSchema.default({ kind: 'none' }),
        eps,
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32 - 1)
          .default(0),
        index: z.number().int().min(0),
        u: z.number().int().min(-4096).max(4096),
        v: z.number().int().min(-4096).max(4096),
      })
      .strict(),
    'One image of a heat map cell: the image perturbed by the basis of (u, v) with the same signs as the heat map run, and both predictions.',
  ).returns<HeatmapExample>(),
}

/**
 * For display: each cell of a centred grid evaluated every `stride`-th frequency takes the value of
 * the nearest evaluated frequency, so a coarse map is drawn as blocks instead of isolated dots.
 */
export function blockFill(grid: Float32Array, h: number, w: number, stride: number): Float32Array {
  if (stride <= 1) return grid
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  const snap = (offset: number, centre: number, n: number) => {
    const snapped = Math.round(offset / stride) * stride
    const fits = (o: number) => o >= -centre && o < n - centre
    return centre + (fits(snapped) ? snapped : snapped - Math.sign(snapped) * stride)
  }
  const out = new Float32Array(h * w)
  for (let a = 0; a < h; a++) for (let b = 0; b < w; b++) out[a * w + b] = grid[snap(a - cy, cy, h) * w + snap(b - cx, cx, w)]
  return out
}

const HEAT_STOPS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
]

/**
 * The heat map's colour scale (a viridis-like ramp, dark = 0, yellow = top of the scale), shared by
 * the exported PNG and the Fourier view so both read alike. NaN (not evaluated) is mid grey.
 */
export function heatColour(t: number): [number, number, number] {
  if (Number.isNaN(t)) return [128, 128, 128]
  const x = Math.max(0, Math.min(1, t)) * (HEAT_STOPS.length - 1)
  const k = Math.min(HEAT_STOPS.length - 2, Math.floor(x))
  const f = x - k
  const [a, b] = [HEAT_STOPS[k], HEAT_STOPS[k + 1]]
  return [0, 1, 2].map((i) => Math.round(a[i] + (b[i] - a[i]) * f)) as [number, number, number]
}
