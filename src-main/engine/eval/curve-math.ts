/** Per-sample outcomes a robustness curve is built from. */
export interface CurveOutcomes {
  /** d_i = ‖a_i − x_i‖ in the curve's norm ([0, 1] pixel scale); 0 where the attack failed. */
  distances: ArrayLike<number>
  /** α(g(x_i), y_i). */
  cleanCorrect: ArrayLike<number>
  /** α(g(a_i), y_i). */
  adversarialCorrect: ArrayLike<number>
}

/** `points` evenly spaced values from 0 to epsMax inclusive. */
export function epsilonGrid(points: number, epsMax: number): number[] {
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`a curve needs at least 2 grid points, got ${points}`)
  return Array.from({ length: points }, (_, k) => (epsMax * k) / (points - 1))
}

/**
 * acc(ε) = (1/N) Σ α(g(ε ≥ d_i ? a_i : x_i), y_i) at each ε of the grid (docs/algorithms.md §Curves and AUC): a sample
 * counts with its adversarial once the budget covers its distance, with its clean image before.
 */
export function accuracyAt(outcomes: CurveOutcomes, grid: readonly number[]): number[] {
  const { distances, cleanCorrect, adversarialCorrect } = outcomes
  const n = distances.length
  return grid.map((eps) => {
    if (n === 0) return NaN
    let sum = 0
    for (let i = 0; i < n; i++) sum += eps >= distances[i] ? adversarialCorrect[i] : cleanCorrect[i]
    return sum / n
  })
}

/**
 * The exact area under acc(ε) on [0, epsMax]: each sample contributes its clean outcome up to
 * min(d_i, epsMax) and its adversarial outcome after, (1/N) Σ c_i·min(d_i, E) + a_i·(E − min(d_i, E)).
 */
export function closedFormAuc(outcomes: CurveOutcomes, epsMax = 1): number {
  const { distances, cleanCorrect, adversarialCorrect } = outcomes
  const n = distances.length
  if (n === 0) return NaN
  let sum = 0
  for (let i = 0; i < n; i++) {
    const d = Math.min(Math.max(distances[i], 0), epsMax)
    sum += cleanCorrect[i] * d + adversarialCorrect[i] * (epsMax - d)
  }
  return sum / n
}

/** The trapezoid rule over values sampled on an ascending grid. */
export function trapezoid(grid: readonly number[], values: readonly number[]): number {
  let area = 0
  for (let k = 1; k < grid.length; k++) area += ((grid[k] - grid[k - 1]) * (values[k] + values[k - 1])) / 2
  return area
}

/** Grid of the trapezoid cross-check of the closed-form AUC (docs/algorithms.md §Curves and AUC: 1001 points). */
export const TRAPEZOID_POINTS = 1001
