import type { Evaluation } from '../protocol/models'
import type { Result } from '../protocol/methods'
import type { Figure1Result, RadiusCurve } from '../protocol/spectral'

/**
 * Merges the results of one job run as contiguous shards (in shard order) into the result of the
 * unsharded run. Each merge is exact: counts are summed, per-sample rows concatenated.
 */
function concat<T extends Int32Array | Float32Array | Uint8Array>(parts: T[]): T {
  const total = parts.reduce((s, p) => s + p.length, 0)
  const out = new (parts[0].constructor as new (n: number) => T)(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

export function mergePredict(parts: Result<'model.predict'>[]): Result<'model.predict'> {
  return { indices: concat(parts.map((p) => p.indices)), labels: concat(parts.map((p) => p.labels)), confidences: concat(parts.map((p) => p.confidences)) }
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
  return evaluationFromConfusion(confusion, parts[0].classes, parts[0].defense)
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

export function mergeRadiusCurve(parts: RadiusCurve[]): RadiusCurve {
  const n = parts.reduce((s, p) => s + p.n, 0)
  const weighted = (pick: (p: RadiusCurve) => number[]) => pick(parts[0]).map((_, i) => parts.reduce((s, p) => s + pick(p)[i] * p.n, 0) / Math.max(n, 1))
  return {
    radii: parts[0].radii,
    low: weighted((p) => p.low),
    high: weighted((p) => p.high),
    clean: parts.reduce((s, p) => s + p.clean * p.n, 0) / Math.max(n, 1),
    n,
  }
}
