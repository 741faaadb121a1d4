import { keptBinCount, lowPassPlane, type MaskOptions } from '../spectral'
import { LabError } from '../base/errors'

export type D2Mode = 'kernel' | 'padded'

export interface KernelFilterOptions extends MaskOptions {
  /** 'kernel' (default, docs/algorithms.md §D2): filter each k×k slice on its own k×k grid. 'padded': zero-pad
   * it to the input size, filter there, crop back to k×k (closer to Theorem 1; experimental). */
  mode?: D2Mode
  /** Grid for 'padded' mode, [h, w]; default the layer's input size. */
  inputSize?: [number, number]
}

export interface SliceResult {
  inChannel: number
  outChannel: number
  before: Float64Array
  after: Float64Array
  /** ‖w − w_l‖² / ‖w‖² (0 for an all-zero kernel). */
  energyRemoved: number
  maxImag: number
}

export interface FilteredKernel {
  values: Float32Array
  slices: SliceResult[]
  /** Bins of the grid the mask keeps. */
  keptBins: number
  grid: [number, number]
  maxImag: number
  energyRemoved: number
}

/**
 * D2 on one kernel in TF layout [kh, kw, C_in, C_out]: every (C_in, C_out) slice is replaced by
 * the real part of its low-pass reconstruction, with the same mask for all slices.
 */
export function lowPassKernel(
  values: Float32Array,
  shape: [number, number, number, number],
  r: number,
  options: KernelFilterOptions = {},
): FilteredKernel {
  const [kh, kw, cin, cout] = shape
  const mode = options.mode ?? 'kernel'
  const grid: [number, number] = mode === 'padded' ? (options.inputSize ?? [kh, kw]) : [kh, kw]
  if (grid[0] < kh || grid[1] < kw) {
    throw new LabError(
      'D2_GRID',
      `The padded grid ${grid[0]}x${grid[1]} is smaller than the ${kh}x${kw} kernel; give an input size at least as large as the kernel.`,
    )
  }
  const [gh, gw] = grid
  const out = new Float32Array(values.length)
  const slices: SliceResult[] = []
  let maxImag = 0
  let totalBefore = 0
  let totalChange = 0
  for (let ci = 0; ci < cin; ci++) {
    for (let co = 0; co < cout; co++) {
      const before = new Float64Array(kh * kw)
      const plane = new Float64Array(gh * gw)
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const v = values[((y * kw + x) * cin + ci) * cout + co]
          before[y * kw + x] = v
          plane[y * gw + x] = v
        }
      }
      const split = lowPassPlane(plane, gh, gw, r, options)
      const after = new Float64Array(kh * kw)
      let energy = 0
      let change = 0
      for (let y = 0; y < kh; y++) {
        for (let x = 0; x < kw; x++) {
          const v = split.low[y * gw + x]
          after[y * kw + x] = v
          out[((y * kw + x) * cin + ci) * cout + co] = v
          energy += before[y * kw + x] ** 2
          change += (before[y * kw + x] - v) ** 2
        }
      }
      maxImag = Math.max(maxImag, split.maxImag)
      totalBefore += energy
      totalChange += change
      slices.push({ inChannel: ci, outChannel: co, before, after, energyRemoved: energy > 0 ? change / energy : 0, maxImag: split.maxImag })
    }
  }
  return {
    values: out,
    slices,
    keptBins: keptBinCount(gh, gw, r, options),
    grid,
    maxImag,
    energyRemoved: totalBefore > 0 ? totalChange / totalBefore : 0,
  }
}
