import { accuracyAt, closedFormAuc, epsilonGrid, trapezoid, TRAPEZOID_POINTS } from './curve-math'
import type { CurveOptions, RobustnessCurve } from './curve-types'

function mean(values: Uint8Array): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN
}

/** Builds a curve from per-sample outcomes (no model calls). */
export function curveFromOutcomes(
  distances: Float32Array,
  cleanCorrect: Uint8Array,
  adversarialCorrect: Uint8Array,
  options: CurveOptions = {},
): RobustnessCurve {
  const epsMax = options.epsMax ?? 1
  const grid = epsilonGrid(options.points ?? 101, epsMax)
  const outcomes = { distances, cleanCorrect, adversarialCorrect }
  const fine = epsilonGrid(TRAPEZOID_POINTS, epsMax)
  return {
    norm: options.norm ?? 'linf',
    epsMax,
    grid,
    accuracy: accuracyAt(outcomes, grid),
    auc: closedFormAuc(outcomes, epsMax),
    aucTrapezoid: trapezoid(fine, accuracyAt(outcomes, fine)),
    cleanAccuracy: mean(cleanCorrect),
    adversarialAccuracy: mean(adversarialCorrect),
    count: distances.length,
    distances,
    cleanCorrect,
    adversarialCorrect,
  }
}
