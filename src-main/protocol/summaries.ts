import { MARGIN_RULE, meanSpectrum, type AttackRun, type CurveRun } from './attacks'
import { heatmapGrids, radialProfile, type FourierHeatmap } from './heatmap'

/**
 * What the batch commands print with --json and write as their summary files, computed from the
 * results on the wire: pure functions, so the CLI prints what the engine writes.
 */

/** Median of a list; null when it is empty (no sample to take it over). */
export function median(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null
  const sorted = Array.from(values).sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median over the samples the attack fooled. */
const medianWhere = (values: Float32Array, mask: Uint8Array) => median(values.filter((_, i) => mask[i] === 1))

/** `hfc-lab attack --json`, and summary.json beside the attack's arrays. */
export function attackSummary(run: AttackRun) {
  const n = run.indices.length
  const fooled = run.success.reduce((a, b) => a + b, 0)
  return {
    attack: run.attack,
    params: run.params,
    defense: run.defense,
    n,
    successRate: n ? fooled / n : 0,
    successRule: MARGIN_RULE,
    medianL2: medianWhere(run.l2, run.success),
    medianLinf: medianWhere(run.linf, run.success),
    queries: { total: run.queries.reduce((a, b) => a + b, 0), mean: n ? run.queries.reduce((a, b) => a + b, 0) / n : 0 },
    /** Mean radial energy profile of the fooling perturbations, radius 0 .. bins − 1 (spectrum.csv has every sample's). */
    meanSpectrum: meanSpectrum(run.spectrum, run.success),
  }
}

/** What `hfc-lab curve --json` prints (and --out writes as curve.json). */
export function curveJson(result: CurveRun, norm: string) {
  const entries = result.entries.map((e) => ({
    attack: e.attack,
    defense: e.defense,
    protocol: e.protocol,
    auc: e.curve.auc,
    cleanAccuracy: e.curve.cleanAccuracy,
    adversarialAccuracy: e.curve.adversarialAccuracy,
    successRate: e.successRate,
    medianDistance: Number.isNaN(e.medianDistance) ? null : e.medianDistance,
    meanQueries: e.meanQueries,
    grid: e.curve.grid,
    accuracy: e.curve.accuracy,
    /** Mean radial energy profile of the perturbations that fooled the attacked model, radius 0 .. bins − 1. */
    meanSpectrum: meanSpectrum(e.spectrum, e.success),
  }))
  return { n: result.indices.length, norm, successRule: MARGIN_RULE, entries, envelopes: result.envelopes, skipped: result.skipped }
}

/** What `hfc-lab heatmap --json` prints and heatmap.json holds: the run and where the map peaks. */
export function heatmapSummary(map: FourierHeatmap) {
  const [h, w] = map.shape
  const { error } = heatmapGrids(map)
  const cy = Math.floor(h / 2)
  const cx = Math.floor(w / 2)
  let peak = { u: 0, v: 0, error: -1 }
  let sum = 0
  for (let k = 0; k < map.errors.length; k++) {
    const rate = map.errors[k] / Math.max(map.n, 1)
    sum += rate
    if (rate > peak.error) peak = { u: map.frequencies[2 * k], v: map.frequencies[2 * k + 1], error: rate }
  }
  return {
    shape: map.shape,
    eps: map.eps,
    stride: map.stride,
    seed: map.seed,
    defense: map.defense,
    engine: map.engine,
    n: map.n,
    frequencies: map.errors.length,
    cleanError: map.cleanErrors / Math.max(map.n, 1),
    meanError: sum / Math.max(map.errors.length, 1),
    maxError: peak,
    zeroFrequency: [cy, cx],
    radialProfile: radialProfile(error, h, w),
  }
}
