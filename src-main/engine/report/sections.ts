import type { CurveRun } from '../../protocol/attacks'
import type { DatasetSummary } from '../../protocol/data'
import type { EngineInfo } from '../../protocol/engine'
import type { DisplayImage, GalleryRow } from '../../protocol/gallery'
import { heatmapGrids, mergeHeatmaps, radialProfile, type FourierHeatmap } from '../../protocol/heatmap'
import type { CallOptions, LabApi } from '../../protocol/lab-api'
import type { Evaluation, KernelReport, ModelSummary } from '../../protocol/models'
import type {
  ReportCurves,
  ReportDecomposition,
  ReportExample,
  ReportImage,
  ReportPictures,
  ReportResults,
  ReportSectionId,
  ReportSettings,
} from '../../protocol/report'
import type { Shard } from '../../protocol/selection'
import type { Figure1Result, RadiusCurve, SvdControlResult } from '../../protocol/spectral'
import { mergeCurveRun, mergeEvaluate, mergeFigure1, mergeRadiusCurve, mergeSvdControl } from '../jobs/shard-merge'

/**
 * A report's sections in two steps: `measure` makes the protocol calls over a selection (the whole
 * one, or one shard's contiguous block of it) and keeps their per-sample results, which is what a
 * run saves per section; `assemble` turns those into results.json and the pictures. A sharded run
 * measures per shard, `mergeMeasured` joins the shards with the exact merges of the sharded batch
 * jobs, and the one `assemble` makes the report, so its numbers are the unsharded run's.
 */

export type SectionId = Exclude<ReportSectionId, 'write'>
export const MEASURED_SECTIONS = [
  'setup',
  'figure1',
  'radius',
  'curves',
  'direct',
  'gallery',
  'kernels',
  'heatmap',
] as const satisfies readonly SectionId[]

export interface Measured {
  setup: { model: ModelSummary; dataset: DatasetSummary; fingerprint: string; engine: EngineInfo; evaluation: Evaluation }
  /** The pictures are of the first samples shown of this selection (a merge keeps the first of all). */
  figure1: { found: Figure1Result; svd: SvdControlResult; highOnly: ReportDecomposition[]; lowOnly: ReportDecomposition[] }
  radius: RadiusCurve
  curves: CurveRun
  direct: { run: CurveRun; defense: string; rows: ReportExample[] }
  /** Rows of the samples every Figure-4 attack fooled, and the pictures of the first shown (by index). */
  gallery: { rows: GalleryRow[]; pictures: ReportPictures['gallery'] }
  /** The kernel report does not depend on the samples; the accuracy after D2 does. */
  kernels: { report: KernelReport; after: Evaluation }
  heatmap: FourierHeatmap
}

/** The part of results.json the sections make. */
export type SectionResults = Omit<ReportResults, 'version' | 'settings' | 'methods'>

export interface MeasureContext {
  api: LabApi
  modelId: string
  datasetId: string
  settings: ReportSettings
  /** The block of each selection this run measures; absent: all of it. */
  shard?: Shard
  signal?: AbortSignal
  progressOf(section: SectionId): CallOptions
}

function imageOf(display: DisplayImage): ReportImage {
  const data = display.encoding === 'float32' ? (display.data as Float32Array) : Float32Array.from(display.data, (v) => v / 255)
  return { shape: display.shape, data }
}

/** Data-set indices of the samples the scored model gets right that the attack fooled, per entry. */
function fooledOf(run: CurveRun, entry: number): number[] {
  const e = run.entries[entry]
  return Array.from(run.indices).filter((_, k) => e.success[k] === 1 && e.curve.cleanCorrect[k] === 1)
}

/** The samples all the gallery's attacks fooled on their undefended Figure-4 curves, in selection order. */
function galleryCandidates(run: CurveRun, attacks: string[]): number[] {
  const entries = attacks.map((a) => run.entries.findIndex((e) => e.attack === a && e.defense === 'none'))
  if (entries.some((k) => k < 0)) return []
  return entries.slice(1).reduce(
    (kept, k) => {
      const fooled = new Set(fooledOf(run, k))
      return kept.filter((i) => fooled.has(i))
    },
    fooledOf(run, entries[0]),
  )
}

const byIndex = <T extends { index: number }>(a: T, b: T) => a.index - b.index

/** Every measured section over the context's selection (or its shard). `measured` holds the sections already run (the gallery reads the curves). */
export const measure: { [K in SectionId]: (ctx: MeasureContext, measured: Partial<Measured>) => Promise<Measured[K]> } = {
  async setup({ api, modelId, datasetId, settings, shard, signal, progressOf }) {
    const described = await api.call('report.describe', { modelId, datasetId }, { signal })
    const engine = await api.call('engine.info', {}, { signal })
    const evaluation = await api.call('model.evaluate', { modelId, datasetId, ...settings.wideSelection, shard }, progressOf('setup'))
    return { ...described, engine, evaluation }
  },
  async figure1({ api, modelId, datasetId, settings, shard, signal, progressOf }) {
    const { radius, mask, svdKs, shown } = settings.figure1
    const wide = { ...settings.wideSelection, shard }
    const found = await api.call('spectral.figure1', { datasetId, modelId, radius, mask, ...wide }, progressOf('figure1'))
    const svd = await api.call('spectral.svdControl', { datasetId, modelId, radius, mask, ks: svdKs, ...wide }, progressOf('figure1'))
    const pictures = async (samples: Figure1Result['highOnly']): Promise<ReportDecomposition[]> => {
      const decomposed: ReportDecomposition[] = []
      for (const s of samples.slice(0, shown)) {
        const d = await api.call('spectral.decompose', { datasetId, index: s.index, radius, mask }, { signal })
        decomposed.push({
          index: s.index,
          label: s.label,
          original: { shape: d.shape, data: d.original },
          low: { shape: d.shape, data: d.low },
          high: { shape: d.shape, data: d.high },
        })
      }
      return decomposed
    }
    return { found, svd, highOnly: await pictures(found.highOnly), lowOnly: await pictures(found.lowOnly) }
  },
  async radius({ api, modelId, datasetId, settings, shard, progressOf }) {
    const { mask } = settings.figure1
    return api.call(
      'spectral.radiusCurve',
      { datasetId, modelId, mask, radii: settings.radius.radii, ...settings.wideSelection, shard },
      progressOf('radius'),
    )
  },
  async curves({ api, modelId, datasetId, settings, shard, progressOf }) {
    const { attacks, defenses, protocols, norm, points } = settings.curves
    return api.call(
      'attack.curve',
      { modelId, datasetId, attacks, defenses, protocols, norm, points, ...settings.attackSelection, shard },
      progressOf('curves'),
    )
  },
  async direct({ api, modelId, datasetId, settings, shard, signal, progressOf }) {
    const { attacks, defenses, protocols, norm, points, exampleEps, examples } = settings.direct
    const run = await api.call(
      'attack.curve',
      { modelId, datasetId, attacks, defenses, protocols, norm, points, ...settings.attackSelection, shard },
      progressOf('direct'),
    )
    const entry = run.entries.findIndex((e) => e.defenseKind === 'd2' && e.protocol === 'direct')
    const shown =
      entry < 0 ? null : await api.call('attack.examples', { runId: run.runId, entry, eps: exampleEps, max: examples }, { signal })
    // Every worker answers for its own block of the run, in selection order: the first `examples` rows are those of the whole run.
    const rows = (shown?.rows ?? []).slice(0, examples).map((r) => ({
      index: r.index,
      label: r.label,
      distance: r.distance,
      adversarialCorrect: r.adversarialCorrect,
      original: { shape: shown!.shape, data: r.original },
      adversarial: { shape: shown!.shape, data: r.adversarial },
    }))
    return { run, defense: run.entries[entry]?.defense ?? '', rows }
  },
  async gallery({ api, modelId, datasetId, settings, progressOf }, measured) {
    // Appendix C from the Figure-4 curves: the samples all three attacks fooled there are run again
    // through gallery.run (attacks are seeded per sample, so each outcome is the same) for the pictures.
    const { attacks, shown } = settings.gallery
    const candidates = galleryCandidates(
      measured.curves!,
      attacks.map((a) => a.id),
    )
    const pictures: ReportPictures['gallery'] = []
    if (!candidates.length) return { rows: [], pictures }
    const summary = await api.call(
      'gallery.run',
      { modelId, datasetId, attacks: attacks.map((a) => ({ ...a, key: a.id })), onlyAllFooled: true, indices: candidates.join(',') },
      {
        ...progressOf('gallery'),
        onPartial: (partial) => {
          for (const row of partial.rows) {
            if (!row.allFooled) continue
            const adversarials = Object.fromEntries(Object.entries(row.pixels.attacks).map(([k, p]) => [k, imageOf(p.adversarial)]))
            pictures.push({ index: row.index, label: row.label, original: imageOf(row.pixels.original), attacks: adversarials })
          }
        },
      },
    )
    return { rows: summary.rows.filter((r) => r.allFooled), pictures: pictures.sort(byIndex).slice(0, shown) }
  },
  async kernels({ api, modelId, datasetId, settings, shard, signal, progressOf }) {
    const { radius, mode } = settings.kernels
    const report = await api.call('model.kernels', { modelId, radius, mode }, { signal })
    const after = await api.call(
      'model.evaluate',
      { modelId, datasetId, defense: { kind: 'd2', radii: [radius] }, ...settings.wideSelection, shard },
      progressOf('kernels'),
    )
    return { report, after }
  },
  async heatmap({ api, modelId, datasetId, settings, shard, progressOf }) {
    const { eps, stride } = settings.heatmap
    return api.call(
      'spectral.heatmap',
      { datasetId, modelId, eps, stride, ...settings.wideSelection, seed: settings.seed, shard },
      progressOf('heatmap'),
    )
  },
}

/** The sections of contiguous shards (in shard order) as one run over the whole selection measures them. */
export function mergeMeasured(parts: Measured[], settings: ReportSettings): Measured {
  const each = <K extends SectionId>(k: K) => parts.map((p) => p[k])
  const { shown } = settings.figure1
  const direct = each('direct')
  return {
    setup: { ...parts[0].setup, evaluation: mergeEvaluate(parts.map((p) => p.setup.evaluation)) },
    figure1: {
      found: mergeFigure1(each('figure1').map((f) => f.found)),
      svd: mergeSvdControl(each('figure1').map((f) => f.svd)),
      highOnly: each('figure1')
        .flatMap((f) => f.highOnly)
        .slice(0, shown),
      lowOnly: each('figure1')
        .flatMap((f) => f.lowOnly)
        .slice(0, shown),
    },
    radius: mergeRadiusCurve(each('radius')),
    curves: mergeCurveRun(each('curves')),
    direct: {
      run: mergeCurveRun(direct.map((d) => d.run)),
      defense: direct[0].defense,
      rows: direct.flatMap((d) => d.rows).slice(0, settings.direct.examples),
    },
    gallery: {
      rows: each('gallery').flatMap((g) => g.rows),
      pictures: each('gallery')
        .flatMap((g) => g.pictures)
        .sort(byIndex)
        .slice(0, settings.gallery.shown),
    },
    kernels: { report: parts[0].kernels.report, after: mergeEvaluate(each('kernels').map((k) => k.after)) },
    heatmap: mergeHeatmaps(each('heatmap')),
  }
}

function curvesOf(run: CurveRun): ReportCurves {
  return {
    norm: run.entries[0]?.curve.norm ?? 'linf',
    n: run.indices.length,
    indices: Array.from(run.indices),
    entries: run.entries.map((e, k) => ({
      attack: e.attack,
      attackLabel: e.attackLabel,
      params: e.params,
      defense: e.defense,
      defenseKind: e.defenseKind,
      protocol: e.protocol,
      auc: e.curve.auc,
      aucTrapezoid: e.curve.aucTrapezoid,
      cleanAccuracy: e.curve.cleanAccuracy,
      adversarialAccuracy: e.curve.adversarialAccuracy,
      successRate: e.successRate,
      medianDistance: e.medianDistance,
      grid: e.curve.grid,
      accuracy: e.curve.accuracy,
      fooled: fooledOf(run, k),
    })),
    skipped: run.skipped,
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`

/** What one section adds to results.json and to the pictures, and its one-line summary. */
export interface Assembled {
  results: Partial<SectionResults>
  pictures: Partial<ReportPictures>
  summary: string
}

/** Each section's results from its measurements (the gallery reads the curves' results, the kernels the clean accuracy). */
export const assembleSection: { [K in SectionId]: (m: Measured[K], settings: ReportSettings, done: Partial<SectionResults>) => Assembled } =
  {
    setup: ({ evaluation }) => ({
      results: { evaluation: { n: evaluation.n, accuracy: evaluation.accuracy } },
      pictures: {},
      summary: `clean accuracy ${pct(evaluation.accuracy)} on ${evaluation.n} images`,
    }),
    figure1: ({ found, svd, highOnly, lowOnly }, settings) => ({
      results: {
        figure1: {
          radius: settings.figure1.radius,
          n: found.total,
          counts: found.counts,
          highOnly: found.highOnly,
          lowOnly: found.lowOnly,
          svd,
        },
      },
      pictures: { figure1: { highOnly, lowOnly } },
      summary: `${found.counts.highOnly} carried by x_h, ${found.counts.lowOnly} by x_l at r = ${settings.figure1.radius}`,
    }),
    radius: (curve) => ({ results: { radius: curve }, pictures: {}, summary: `${curve.radii.length} radii on ${curve.n} images` }),
    curves: (run) => {
      const curves = curvesOf(run)
      return { results: { curves }, pictures: {}, summary: `${curves.entries.length} curves on ${curves.n} images` }
    },
    direct: ({ run, defense, rows }, settings) => {
      const curves = curvesOf(run)
      return {
        results: {
          direct: {
            ...curves,
            examples: {
              defense,
              protocol: 'direct',
              eps: settings.direct.exampleEps,
              rows: rows.map(({ index, label, distance, adversarialCorrect }) => ({ index, label, distance, adversarialCorrect })),
            },
          },
        },
        pictures: { directExamples: rows },
        summary: `${curves.entries.length} curves, ${rows.length} example adversarials`,
      }
    },
    gallery: ({ rows, pictures }, settings, done) => {
      const curves = done.curves!
      const entries = settings.gallery.attacks.map((a) => curves.entries.find((e) => e.attack === a.id && e.defense === 'none'))
      const first = entries[0]
      const candidates = entries.reduce<number[]>((kept, e) => kept.filter((i) => e?.fooled.includes(i)), first ? [...first.fooled] : [])
      return {
        results: {
          gallery: {
            n: curves.n,
            cleanCorrect: Math.round((first?.cleanAccuracy ?? 0) * curves.n),
            candidates,
            allFooledCount: rows.length,
            perAttack: Object.fromEntries(
              entries.flatMap((e) =>
                e ? [[e.attack, { label: e.attackLabel, successRate: e.successRate, fooled: e.fooled.length }]] : [],
              ),
            ),
            rows: rows.map((r) => ({
              index: r.index,
              label: r.label,
              attacks: Object.fromEntries(
                Object.entries(r.attacks).map(([k, a]) => [k, { label: a.label, confidence: a.confidence, l2: a.l2, linf: a.linf }]),
              ),
            })),
          },
        },
        pictures: { gallery: pictures },
        summary: `${rows.length} of ${curves.n} samples fooled by all three`,
      }
    },
    kernels: ({ report, after }, settings, done) => {
      const before = done.evaluation!.accuracy
      return {
        results: {
          kernels: {
            layer: report.layer,
            radius: settings.kernels.radius,
            kernelShape: report.kernelShape,
            keptBins: report.keptBins,
            totalBins: report.totalBins,
            energyRemovedFraction: report.energyRemovedFraction,
            maxImag: report.maxImag,
            accuracyBefore: before,
            accuracyAfter: after.accuracy,
            n: after.n,
          },
        },
        pictures: { kernels: report },
        summary: `${pct(report.energyRemovedFraction)} of the energy removed, accuracy ${pct(before)} → ${pct(after.accuracy)}`,
      }
    },
    heatmap: (map, settings) => {
      const { eps, stride } = settings.heatmap
      const [h, w] = map.shape
      const { error } = heatmapGrids(map)
      const rates = Array.from(map.errors, (e) => e / Math.max(map.n, 1))
      const mean = rates.reduce((s, r) => s + r, 0) / Math.max(rates.length, 1)
      return {
        results: {
          heatmap: {
            eps,
            stride,
            n: map.n,
            cleanErrors: map.cleanErrors,
            meanErrorRate: mean,
            maxErrorRate: Math.max(0, ...rates),
            radialError: radialProfile(error, h, w).map((v) => (Number.isNaN(v) ? null : v)),
          },
        },
        pictures: { heatmap: { error, h, w } },
        summary: `mean error rate ${pct(mean)} over ${rates.length} frequencies`,
      }
    },
  }

/** One section's results from its measurements, given the results of the sections before it. */
export function assemble(
  section: SectionId,
  measured: Measured[SectionId],
  settings: ReportSettings,
  done: Partial<SectionResults>,
): Assembled {
  return (assembleSection[section] as (m: Measured[SectionId], s: ReportSettings, d: Partial<SectionResults>) => Assembled)(
    measured,
    settings,
    done,
  )
}
