/** One benchmark result: our workload against a baseline measured in the same run. */
export interface BenchRow {
  /** What was measured, in words. */
  workload: string
  /** Our time (or other quantity) in `unit`. */
  ours: number
  /** The baseline's, in `unit`. */
  baseline: number
  /** ours / baseline. */
  ratio: number
  /** The goal for the ratio, e.g. "<= 2.5". */
  target: string
  pass: boolean
  unit: string
}
