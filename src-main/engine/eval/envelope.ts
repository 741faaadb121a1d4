import { epsilonGrid, trapezoid, TRAPEZOID_POINTS } from './curve-math'
import type { RobustnessCurve } from './curve-types'
import type { EnvelopeCurve } from '../../protocol/attacks'

/** min over curves of sample i's step function at ε: clean outcome before d_ik, adversarial from it on. */
function worstAt(curves: readonly RobustnessCurve[], i: number, eps: number): number {
  let worst = 1
  for (const c of curves) {
    const v = eps >= c.distances[i] ? c.adversarialCorrect[i] : c.cleanCorrect[i]
    if (v < worst) worst = v
  }
  return worst
}

function sampleArea(curves: readonly RobustnessCurve[], i: number, epsMax: number): number {
  const cuts = [0, epsMax, ...curves.map((c) => c.distances[i]).filter((d) => d > 0 && d < epsMax)].sort((a, b) => a - b)
  let area = 0
  for (let k = 1; k < cuts.length; k++) area += (cuts[k] - cuts[k - 1]) * worstAt(curves, i, cuts[k - 1])
  return area
}

/**
 * The worst case over several attacks' curves of the same samples, norm and grid (e.g. every
 * attack against one defense): what the strongest attack per sample leaves standing.
 */
export function worstCaseEnvelope(curves: readonly RobustnessCurve[]): EnvelopeCurve {
  if (curves.length === 0) throw new RangeError('worstCaseEnvelope needs at least one curve')
  const [first] = curves
  for (const c of curves) {
    if (c.count !== first.count || c.norm !== first.norm || c.epsMax !== first.epsMax || c.grid.length !== first.grid.length) {
      throw new RangeError('worstCaseEnvelope: the curves must cover the same samples with the same norm and grid')
    }
  }
  const n = first.count
  const evaluate = (grid: number[]) =>
    grid.map((eps) => {
      if (n === 0) return NaN
      let sum = 0
      for (let i = 0; i < n; i++) sum += worstAt(curves, i, eps)
      return sum / n
    })
  let area = 0
  for (let i = 0; i < n; i++) area += sampleArea(curves, i, first.epsMax)
  const fine = epsilonGrid(TRAPEZOID_POINTS, first.epsMax)
  return {
    norm: first.norm,
    epsMax: first.epsMax,
    grid: first.grid,
    accuracy: evaluate(first.grid),
    auc: n > 0 ? area / n : NaN,
    aucTrapezoid: trapezoid(fine, evaluate(fine)),
    pointwiseMin: first.grid.map((_, k) => Math.min(...curves.map((c) => c.accuracy[k]))),
    count: n,
    curves: curves.length,
  }
}
