/** One benchmark result: our workload against a baseline measured in the same run. */
export interface BenchRow {
  /** What was measured, in words. */
  workload: string
  /** Our time (or other quantity) in `unit`. */
  ours: number
  /** The baseline's, in `unit`; null when the baseline could not run here (e.g. no python3/numpy). */
  baseline: number | null
  /** ours / baseline; null without a baseline. */
  ratio: number | null
  /** The goal, e.g. "<= 2.5" for a ratio or "<= 1e-5" for an error. */
  target: string
  /** null when there was nothing to compare against. */
  pass: boolean | null
  unit: string
}
