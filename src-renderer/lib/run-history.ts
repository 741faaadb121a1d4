import type { CurveEntryData, CurveRun, EnvelopeData } from '../../src-main/protocol/attacks'
import type { DatasetSpec } from '../../src-main/protocol/data'
import type { GalleryRowsPartial, GallerySummary } from '../../src-main/protocol/gallery'
import type { Evaluation, ModelSpec } from '../../src-main/protocol/models'
import type { Figure1Result, RadiusCurve } from '../../src-main/protocol/spectral'
import type { HeatmapRun } from '../stores/heatmaps'

/** What each kind of finished run keeps: enough to show it again in its view. */
export interface RunResults {
  evaluation: Evaluation
  /** `run` is null for a cancelled sweep: then `entries` are the curves that finished. */
  curves: { run: CurveRun | null; entries: CurveEntryData[] }
  figure1: Figure1Result
  'radius-curve': RadiusCurve
  heatmap: HeatmapRun
  gallery: { rows: GalleryRowsPartial['rows']; summary: GallerySummary; attacks: string[] }
}
export type RunKind = keyof RunResults

export const RUN_LABELS: Record<RunKind, string> = {
  evaluation: 'Evaluation',
  curves: 'Robustness curves',
  figure1: 'Figure-1 search',
  'radius-curve': 'Accuracy vs radius',
  heatmap: 'Fourier heat map',
  gallery: 'Gallery',
}

/** The view a run re-opens in. */
export const RUN_VIEWS: Record<RunKind, string> = {
  evaluation: '/model',
  curves: '/attacks',
  figure1: '/spectrum',
  'radius-curve': '/spectrum',
  heatmap: '/fourier',
  gallery: '/gallery',
}

/** One number a run is known by; `format` says how the tables print it. */
export interface Headline {
  label: string
  value: number
  format: 'percent' | 'auc' | 'count'
}

/** What a run ran on, taken when it started (the analyst may open something else before it ends). */
export interface RunContext {
  model: { name: string; spec: ModelSpec | null }
  dataset: { name: string; spec: DatasetSpec | null }
}

export interface RunRecord<K extends RunKind = RunKind> extends RunContext {
  id: number
  kind: K
  /** ISO time the run finished (or was cancelled). */
  at: string
  params: Record<string, unknown>
  headline: Headline[]
  /** Cut short by Cancel: the result holds what finished. */
  cancelled: boolean
  result: RunResults[K]
}

/** Session history is bounded: gallery rows carry pixels, and a day's work is tens of runs. */
export const MAX_RUNS = 50

const aucHeadlines = (entries: CurveEntryData[], envelopes: EnvelopeData[]): Headline[] => [
  ...entries.map((e) => ({ label: `AUC ${e.attackLabel} · ${e.defense} · ${e.protocol}`, value: e.curve.auc, format: 'auc' as const })),
  ...envelopes
    .filter((e) => e.envelope.curves > 1)
    .map((e) => ({ label: `AUC worst case · ${e.defense}`, value: e.envelope.auc, format: 'auc' as const })),
]

/** The numbers a run is listed with: accuracies, AUCs, counts. */
export function headlineOf<K extends RunKind>(kind: K, result: RunResults[K]): Headline[] {
  switch (kind) {
    case 'evaluation': {
      const r = result as RunResults['evaluation']
      return [
        { label: 'accuracy', value: r.accuracy, format: 'percent' },
        { label: 'images', value: r.n, format: 'count' },
      ]
    }
    case 'curves': {
      const r = result as RunResults['curves']
      return aucHeadlines(r.entries, r.run?.envelopes ?? [])
    }
    case 'figure1': {
      const r = result as RunResults['figure1']
      return [
        { label: `Figure-1 samples (r = ${r.radius})`, value: r.counts.highOnly, format: 'count' },
        { label: 'images searched', value: r.total, format: 'count' },
      ]
    }
    case 'radius-curve': {
      const r = result as RunResults['radius-curve']
      return [
        { label: 'clean accuracy', value: r.clean, format: 'percent' },
        { label: 'images', value: r.n, format: 'count' },
      ]
    }
    case 'heatmap': {
      const r = result as RunResults['heatmap']
      return Object.entries(r.maps).map(([variant, map]) => ({
        label: `clean error · ${variant === 'none' ? 'model' : variant.toUpperCase()}`,
        value: map.cleanErrors / Math.max(1, map.n),
        format: 'percent' as const,
      }))
    }
    default: {
      const r = result as RunResults['gallery']
      return [
        { label: 'fooled by every attack', value: r.summary.allFooledCount, format: 'count' },
        ...Object.entries(r.summary.perAttack).map(([key, a]) => ({
          label: `fooled · ${a.label ?? key}`,
          value: a.successRate,
          format: 'percent' as const,
        })),
        { label: 'samples', value: r.summary.n, format: 'count' },
      ]
    }
  }
}

export interface CompareRow {
  attack: string
  defense: string
  protocol: string
  a: number | null
  b: number | null
  /** b − a, when both runs have the curve. */
  difference: number | null
}

/**
 * Two curve runs side by side: one row per (attack, defense, protocol) found in either run, with
 * its AUC in each and B − A; the worst case per defense follows when both runs computed one.
 */
export function compareCurveRuns(a: RunResults['curves'], b: RunResults['curves']): CompareRow[] {
  const rows = new Map<string, CompareRow>()
  const put = (side: 'a' | 'b', attack: string, defense: string, protocol: string, auc: number) => {
    const key = `${attack}\u0000${defense}\u0000${protocol}`
    const row = rows.get(key) ?? { attack, defense, protocol, a: null, b: null, difference: null }
    row[side] = auc
    rows.set(key, row)
  }
  for (const [side, run] of [
    ['a', a],
    ['b', b],
  ] as const) {
    for (const e of run.entries) put(side, e.attackLabel, e.defense, e.protocol, e.curve.auc)
    for (const e of run.run?.envelopes ?? []) if (e.envelope.curves > 1) put(side, 'worst case', e.defense, 'all', e.envelope.auc)
  }
  return [...rows.values()].map((row) => ({ ...row, difference: row.a !== null && row.b !== null ? row.b - row.a : null }))
}

/** A run (or the whole history) as JSON: typed arrays as plain arrays, so any tool reads it. */
export function runsToJson(records: readonly RunRecord[]): string {
  return JSON.stringify(
    { app: 'hfc-lab', kind: 'run-history', runs: records },
    (_key, value: unknown) =>
      ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value,
    2,
  )
}
