import { niceCeil } from './ticks'

export interface Point {
  x: number
  y: number
}

/**
 * The x range that shows where curves change: from the first x to a round number a little past
 * the last x at which any curve still changes. Robustness curves on CIFAR drop to their floor by
 * ε = 0.03 and stay flat to 1; a fixed 0..1 axis squeezes all of that into 3 % of the width.
 */
export function fittedXRange(curves: Point[][], headroom = 0.1): [number, number] {
  let lo = Infinity
  let hi = -Infinity
  let lastChange = -Infinity
  for (const points of curves) {
    if (!points.length) continue
    lo = Math.min(lo, points[0].x)
    hi = Math.max(hi, points[points.length - 1].x)
    for (let i = points.length - 1; i > 0; i--) {
      if (points[i].y !== points[i - 1].y) {
        lastChange = Math.max(lastChange, points[i].x)
        break
      }
    }
  }
  if (!Number.isFinite(lo)) return [0, 1]
  if (!Number.isFinite(lastChange) || lastChange <= lo) return [lo, hi > lo ? hi : lo + 1]
  const end = lo + niceCeil((lastChange - lo) * (1 + headroom))
  return [lo, Math.min(hi, end)]
}

/** The y range [0, top] with top a round number just above the data (a floor for all-flat data). */
export function fittedYMax(values: number[], floor: number): number {
  let max = -Infinity
  for (const v of values) if (Number.isFinite(v) && v > max) max = v
  return niceCeil(Math.max(max * 1.05, floor))
}
