import type { AttackRun, CurveEntryData, CurveExamples, CurveRun, PerturbationSpectra } from '../../protocol/attacks'
import { accuracyWarning, type Evaluation, type GradientMaps } from '../../protocol/models'
import { curveFromOutcomes } from '../eval/curve-from-outcomes'
import { worstCaseEnvelope } from '../eval/envelope'
import { concatTyped as concat } from '../base/typed-concat'
import type { Result } from '../../protocol/methods'
import type { Figure1Result, RadiusCurve, SvdControlResult } from '../../protocol/spectral'
import { median } from '../../protocol/summaries'

/**
 * Merges the results of one job run as contiguous shards (in shard order) into the result of the
 * unsharded run. Each merge is exact: counts are summed, per-sample rows concatenated.
 */
export function mergePredict(parts: Result<'model.predict'>[]): Result<'model.predict'> {
  return {
    indices: concat(parts.map((p) => p.indices)),
    labels: concat(parts.map((p) => p.labels)),
    confidences: concat(parts.map((p) => p.confidences)),
  }
}

/** Rebuilds accuracy and per-class rows from the summed confusion matrices. */
export function evaluationFromConfusion(confusion: number[][], classes: string[], defense: string): Evaluation {
  let n = 0
  let correct = 0
  const perClass = confusion.map((row, k) => {
    const count = row.reduce((s, v) => s + v, 0)
    n += count
    correct += row[k]
    return { class: classes[k] ?? String(k), n: count, accuracy: count ? row[k] / count : 0 }
  })
  return { n, accuracy: n ? correct / n : 0, classes, perClass, confusion, defense }
}

export function mergeEvaluate(parts: Evaluation[]): Evaluation {
  const confusion = parts[0].confusion.map((row, i) => row.map((_, j) => parts.reduce((s, p) => s + p.confusion[i][j], 0)))
  const merged = evaluationFromConfusion(confusion, parts[0].classes, parts[0].defense)
  const { preprocessing, preprocessingAssumed } = parts[0]
  if (preprocessingAssumed === undefined) return merged
  // The guard judges the whole selection, as one run would.
  const warning = accuracyWarning(merged.accuracy, merged.n, merged.classes.length, preprocessingAssumed)
  return { ...merged, preprocessing, preprocessingAssumed, ...(warning ? { warning } : {}) }
}

export function mergeFigure1(parts: Figure1Result[]): Figure1Result {
  const sum = (key: keyof Figure1Result['counts']) => parts.reduce((s, p) => s + p.counts[key], 0)
  return {
    radius: parts[0].radius,
    total: parts.reduce((s, p) => s + p.total, 0),
    highOnly: parts.flatMap((p) => p.highOnly),
    lowOnly: parts.flatMap((p) => p.lowOnly),
    counts: { clean: sum('clean'), low: sum('low'), high: sum('high'), highOnly: sum('highOnly'), lowOnly: sum('lowOnly') },
  }
}

/** The SVD control's counts are per-sample tallies: summed. */
export function mergeSvdControl(parts: SvdControlResult[]): SvdControlResult {
  return {
    n: parts.reduce((s, p) => s + p.n, 0),
    rows: parts[0].rows.map((row, i) => ({ ...row, count: parts.reduce((s, p) => s + p.rows[i].count, 0) })),
    fourier: { radius: parts[0].fourier.radius, count: parts.reduce((s, p) => s + p.fourier.count, 0) },
  }
}

export function mergeRadiusCurve(parts: RadiusCurve[]): RadiusCurve {
  const n = parts.reduce((s, p) => s + p.n, 0)
  const weighted = (pick: (p: RadiusCurve) => number[]) =>
    pick(parts[0]).map((_, i) => parts.reduce((s, p) => s + pick(p)[i] * p.n, 0) / Math.max(n, 1))
  return {
    radii: parts[0].radii,
    low: weighted((p) => p.low),
    high: weighted((p) => p.high),
    clean: parts.reduce((s, p) => s + p.clean * p.n, 0) / Math.max(n, 1),
    n,
  }
}

/** Per-sample spectra of consecutive shards, in shard order. */
function mergeSpectra(parts: PerturbationSpectra[]): PerturbationSpectra {
  return { bins: parts[0].bins, profiles: concat(parts.map((p) => p.profiles)) }
}

export function mergeAttackRun(parts: AttackRun[]): AttackRun {
  const first = parts[0]
  const extra: AttackRun['extra'] = {}
  // A worker whose block was empty ran no attack, so it has none of the attack's own per-sample values.
  for (const key of Object.keys(first.extra))
    extra[key] = concat(parts.flatMap((p) => (p.extra[key] ? [p.extra[key]] : [])) as Float32Array[])
  const adversarial = first.adversarial ? concat(parts.flatMap((p) => (p.adversarial ? [p.adversarial] : []))) : undefined
  return {
    ...first,
    indices: concat(parts.map((p) => p.indices)),
    labels: concat(parts.map((p) => p.labels)),
    cleanPredicted: concat(parts.map((p) => p.cleanPredicted)),
    predicted: concat(parts.map((p) => p.predicted)),
    confidence: concat(parts.map((p) => p.confidence)),
    success: concat(parts.map((p) => p.success)),
    margin: concat(parts.map((p) => p.margin)),
    l2: concat(parts.map((p) => p.l2)),
    linf: concat(parts.map((p) => p.linf)),
    queries: concat(parts.map((p) => p.queries)),
    spectrum: mergeSpectra(parts.map((p) => p.spectrum)),
    extra,
    ...(adversarial ? { adversarial } : {}),
  }
}

/** One curve entry over all samples, recomputed from the shards' per-sample outcomes. */
export function mergeCurveEntry(parts: CurveEntryData[]): CurveEntryData {
  const first = parts[0]
  const distances = concat(parts.map((p) => p.curve.distances))
  const success = concat(parts.map((p) => p.success))
  const queries = concat(parts.map((p) => p.queries))
  const margin = concat(parts.map((p) => p.margin))
  const curve = curveFromOutcomes(
    distances,
    concat(parts.map((p) => p.curve.cleanCorrect)),
    concat(parts.map((p) => p.curve.adversarialCorrect)),
    {
      norm: first.curve.norm,
      points: first.curve.grid.length,
      epsMax: first.curve.epsMax,
    },
  )
  if (parts.every((p) => p.curve.adversarialPredicted)) curve.adversarialPredicted = concat(parts.map((p) => p.curve.adversarialPredicted!))
  const fooled = Array.from(distances).filter((_, i) => success[i] === 1)
  return {
    ...first,
    successRate: success.reduce((a, b) => a + b, 0) / Math.max(success.length, 1),
    medianDistance: median(fooled) ?? NaN,
    meanQueries: queries.reduce((a, b) => a + b, 0) / Math.max(queries.length, 1),
    curve,
    success,
    margin,
    queries,
    spectrum: mergeSpectra(parts.map((p) => p.spectrum)),
  }
}

export function mergeCurveRun(parts: CurveRun[]): CurveRun {
  const entries = parts[0].entries.map((_, k) => mergeCurveEntry(parts.map((p) => p.entries[k])))
  const defenses = [...new Set(entries.map((e) => e.defense))]
  return {
    runId: parts[0].runId,
    indices: concat(parts.map((p) => p.indices)),
    labels: concat(parts.map((p) => p.labels)),
    entries,
    skipped: parts[0].skipped,
    envelopes: defenses.map((defense) => ({
      defense,
      envelope: worstCaseEnvelope(entries.filter((e) => e.defense === defense).map((e) => e.curve)),
    })),
    cancelled: parts.some((p) => p.cancelled),
  }
}

export function mergeExamples(parts: CurveExamples[]): CurveExamples {
  const withRows = parts.find((p) => p.rows.length) ?? parts[0]
  return { eps: parts[0].eps, shape: withRows.shape, rows: parts.flatMap((p) => p.rows) }
}

/** Batches of gradient maps in selection order into one; profiles re-weighted by batch size. */
export function mergeGradients(parts: GradientMaps[]): GradientMaps {
  const n = parts.reduce((s, p) => s + p.indices.length, 0)
  const weighted = (pick: (p: GradientMaps) => number[]) =>
    pick(parts[0]).map((_, i) => parts.reduce((s, p) => s + pick(p)[i] * p.indices.length, 0) / Math.max(n, 1))
  return {
    ...parts[0],
    indices: concat(parts.map((p) => p.indices)),
    labels: concat(parts.map((p) => p.labels)),
    gradient: concat(parts.map((p) => p.gradient)),
    gradientProfile: weighted((p) => p.gradientProfile),
    imageProfile: weighted((p) => p.imageProfile),
  }
}
