import type { Point } from './fit'

export interface Hit {
  series: number
  index: number
  /** Pixel distance from the cursor. */
  distance: number
}

/**
 * The data point nearest the cursor, in pixels, among the given series, or null when none lies
 * within the radius: a click near a line picks its nearest point instead of missing it.
 * `project` maps a data point to pixels; series listed in `skip` (hidden ones) are not hit.
 */
export function nearestPoint(
  series: Point[][],
  cursor: { x: number; y: number },
  project: (p: Point) => { x: number; y: number },
  radius: number,
  skip: ReadonlySet<number> = new Set(),
): Hit | null {
  let best: Hit | null = null
  for (let s = 0; s < series.length; s++) {
    if (skip.has(s)) continue
    for (let index = 0; index < series[s].length; index++) {
      const q = project(series[s][index])
      const distance = Math.hypot(q.x - cursor.x, q.y - cursor.y)
      if (distance <= radius && (best === null || distance < best.distance)) best = { series: s, index, distance }
    }
  }
  return best
}

/** Index of the point whose x is nearest to x (the points sorted by x): the read-out snaps to data, never interpolates. */
export function nearestIndexByX(points: Point[], x: number): number {
  if (!points.length) return -1
  let lo = 0
  let hi = points.length - 1
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (points[mid].x <= x) lo = mid
    else hi = mid
  }
  return Math.abs(points[lo].x - x) <= Math.abs(points[hi].x - x) ? lo : hi
}
