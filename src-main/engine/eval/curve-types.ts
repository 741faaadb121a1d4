import type { DistanceNorm } from './distance'

export interface CurveOptions {
  /** Perturbation norm of the x-axis (default L∞ on the [0, 1] scale, SPEC §10.7). */
  norm?: DistanceNorm
  /** Number of grid points (default 101). */
  points?: number
  /** Right end of the ε axis (default 1, where every L∞ perturbation ends). */
  epsMax?: number
  batchSize?: number
}

export interface RobustnessCurve {
  norm: DistanceNorm
  epsMax: number
  grid: number[]
  accuracy: number[]
  /** Exact area under acc(ε) on [0, epsMax] (the closed form of SPEC §5). */
  auc: number
  /** The same area by the trapezoid rule on 1001 points, as a cross-check. */
  aucTrapezoid: number
  /** acc at ε = 0 with no perturbation at all: the scored model's clean accuracy. */
  cleanAccuracy: number
  /** Accuracy on the adversarials at unlimited budget. */
  adversarialAccuracy: number
  count: number
  distances: Float32Array
  cleanCorrect: Uint8Array
  adversarialCorrect: Uint8Array
}

