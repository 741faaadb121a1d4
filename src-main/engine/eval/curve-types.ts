import type { Norm } from '../../protocol/attacks'

export interface CurveOptions {
  /** Perturbation norm of the x-axis (default L∞ on the [0, 1] scale, docs/algorithms.md §Curves and AUC). */
  norm?: Norm
  /** Number of grid points (default 101). */
  points?: number
  /** Right end of the ε axis (default 1, where every L∞ perturbation ends). */
  epsMax?: number
  batchSize?: number
}

/** A curve with its per-sample outcomes: the protocol's wire type, so results cross processes unchanged. */
export type { CurveData as RobustnessCurve } from '../../protocol/attacks'
