import { createHash } from 'node:crypto'
import type { CurveRun } from '../../protocol/attacks'
import type { GalleryRowsPartial, DisplayImage } from '../../protocol/gallery'
import { heatmapGrids, radialProfile } from '../../protocol/heatmap'
import type { CallOptions, LabApi } from '../../protocol/lab-api'
import type { ParsedParams } from '../../protocol/methods'
import {
  REPORT_SECTIONS,
  REPORT_SECTION_LABELS,
  type ReportCurves,
  type ReportDecomposition,
  type ReportImage,
  type ReportPartial,
  type ReportPictures,
  type ReportResults,
  type ReportSectionId,
  type ReportSummary,
} from '../../protocol/report'
import { reportSettings } from './settings'

type Request = ParsedParams<'report.run'>
type Sections = Omit<ReportResults, 'version' | 'settings' | 'methods' | 'evaluation'>

/** What one section adds to the results and to the pictures. */
interface SectionOutput<K extends keyof Sections> {
  results: Pick<Sections, K>
  pictures: Partial<ReportPictures>
  summary: string
}

type AnySection = { results: Partial<Sections>; pictures: Partial<ReportPictures>; summary: string }

const pct = (v: number) => `${(v * 100).toFixed(1)} %`

function curvesOf(run: CurveRun): ReportCurves {
  return {
    norm: run.entries[0]?.curve.norm ?? 'linf',
    n: run.indices.length,
    indices: Array.from(run.indices),
    entries: run.entries.map((e) => ({
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
      fooled: Array.from(run.indices).filter((_, k) => e.success[k] === 1 && e.curve.cleanCorrect[k] === 1),
    })),
    skipped: run.skipped,
  }
}

function imageOf(display: DisplayImage): ReportImage {
  const data = display.encoding === 'float32' ? (display.data as Float32Array) : Float32Array.from(display.data, (v) => v / 255)
  return { shape: display.shape, data }
}

/**
 * The report as one job over the other jobs (docs/algorithms.md gives each section's algorithm):
 * each section calls the same protocol methods a user would call one by one, with the settings of
 * the preset, so every number in results.json is the number that call returns. It runs in the
 * engine host, so batch jobs still spread over the worker pool; the folder is written by a worker
 * (report.write). Each finished section is saved in the report folder (report.checkpoint): a run
 * stopped half-way and started again with the same model, data and settings resumes after it.
 */
export async function runReport(api: LabApi, request: Request, options: CallOptions = {}): Promise<ReportSummary> {
  const { modelId, datasetId, out, preset, limit, seed, force, pdf } = request
  const signal = options.signal
  const startedAt = new Date()
  const emit = (partial: ReportPartial) => options.onPartial?.(partial)
  const sectionIndex = (s: ReportSectionId) => REPORT_SECTIONS.indexOf(s)
  const progressOf = (section: ReportSectionId) => ({
    signal,
    onProgress: (p: { done: number; total: number }) =>
      options.onProgress?.({
        done: p.done,
        total: p.total,
        phase: `${sectionIndex(section) + 1}/${REPORT_SECTIONS.length} ${section}: ${REPORT_SECTION_LABELS[section]}`,
      }),
  })
  const begin = (section: ReportSectionId) => {
    options.onProgress?.({
      done: 0,
      total: 1,
      phase: `${sectionIndex(section) + 1}/${REPORT_SECTIONS.length} ${section}: ${REPORT_SECTION_LABELS[section]}`,
    })
    emit({ type: 'report-section', section, status: 'running' })
  }

  // ---- setup: what is studied, with which settings, and the clean accuracy --------------------
  begin('setup')
  let t0 = performance.now()
  const described = await api.call('report.describe', { modelId, datasetId }, { signal })
  const engine = await api.call('engine.info', {}, { signal })
  const probe = await api.call('model.kernels', { modelId, radius: 1 }, { signal })
  const settings = reportSettings({ preset, shape: described.model.inputShape, kernelSize: probe.kernelShape[1], limit, seed })
  const key = createHash('sha256')
    .update(JSON.stringify({ model: described.model.sha256, data: described.fingerprint, settings }))
    .digest('hex')
  const wide = settings.wideSelection
  const attackSel = settings.attackSelection
  // The folder first: one that cannot take files, or holds another run's report, fails before any work.
  await api.call('report.checkpoint', { out, key, section: 'setup', force }, { signal })
  const evaluation = await api.call('model.evaluate', { modelId, datasetId, ...wide }, progressOf('setup'))
  const timings: Partial<Record<ReportSectionId, number>> = { setup: (performance.now() - t0) / 1000 }
  emit({
    type: 'report-section',
    section: 'setup',
    status: 'done',
    seconds: timings.setup ?? 0,
    summary: `clean accuracy ${pct(evaluation.accuracy)} on ${evaluation.n} images`,
    resumed: false,
    results: { evaluation: { n: evaluation.n, accuracy: evaluation.accuracy } },
  })

  const mask = settings.figure1.mask
  const sections: { [K in keyof Sections]: () => Promise<SectionOutput<K>> } = {
    async figure1() {
      const { radius, svdKs, shown } = settings.figure1
      const found = await api.call('spectral.figure1', { datasetId, modelId, radius, mask, ...wide }, progressOf('figure1'))
      const svd = await api.call('spectral.svdControl', { datasetId, modelId, radius, mask, ks: svdKs, ...wide }, progressOf('figure1'))
      const pictures = async (samples: typeof found.highOnly): Promise<ReportDecomposition[]> => {
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
      return {
        results: { figure1: { radius, n: found.total, counts: found.counts, highOnly: found.highOnly, lowOnly: found.lowOnly, svd } },
        pictures: { figure1: { highOnly: await pictures(found.highOnly), lowOnly: await pictures(found.lowOnly) } },
        summary: `${found.counts.highOnly} carried by x_h, ${found.counts.lowOnly} by x_l at r = ${radius}`,
      }
    },
    async radius() {
      const curve = await api.call(
        'spectral.radiusCurve',
        { datasetId, modelId, mask, radii: settings.radius.radii, ...wide },
        progressOf('radius'),
      )
      return { results: { radius: curve }, pictures: {}, summary: `${curve.radii.length} radii on ${curve.n} images` }
    },
    async curves() {
      const { attacks, defenses, protocols, norm, points } = settings.curves
      const run = await api.call(
        'attack.curve',
        { modelId, datasetId, attacks, defenses, protocols, norm, points, ...attackSel },
        progressOf('curves'),
      )
      const curves = curvesOf(run)
      return { results: { curves }, pictures: {}, summary: `${curves.entries.length} curves on ${curves.n} images` }
    },
    async direct() {
      const { attacks, defenses, protocols, norm, points, exampleEps, examples } = settings.direct
      const run = await api.call(
        'attack.curve',
        { modelId, datasetId, attacks, defenses, protocols, norm, points, ...attackSel },
        progressOf('direct'),
      )
      const entry = run.entries.findIndex((e) => e.defenseKind === 'd2' && e.protocol === 'direct')
      const shown =
        entry < 0 ? null : await api.call('attack.examples', { runId: run.runId, entry, eps: exampleEps, max: examples }, { signal })
      const curves = curvesOf(run)
      // Every worker answers for its own shard of the run: keep the first `examples` of their rows.
      const rows = (shown?.rows ?? []).slice(0, examples)
      return {
        results: {
          direct: {
            ...curves,
            examples: {
              defense: run.entries[entry]?.defense ?? '',
              protocol: 'direct',
              eps: exampleEps,
              rows: rows.map((r) => ({ index: r.index, label: r.label, distance: r.distance, adversarialCorrect: r.adversarialCorrect })),
            },
          },
        },
        pictures: {
          directExamples: rows.map((r) => ({
            index: r.index,
            label: r.label,
            distance: r.distance,
            adversarialCorrect: r.adversarialCorrect,
            original: { shape: shown!.shape, data: r.original },
            adversarial: { shape: shown!.shape, data: r.adversarial },
          })),
        },
        summary: `${curves.entries.length} curves, ${rows.length} example adversarials`,
      }
    },
    async gallery() {
      // Appendix C from the Figure-4 curves: the samples all three attacks fooled there are run again
      // through gallery.run (attacks are seeded per sample, so each outcome is the same) for the pictures.
      const { attacks, shown } = settings.gallery
      const curves = results.curves!
      const entries = attacks.map((a) => curves.entries.find((e) => e.attack === a.id && e.defense === 'none'))
      const first = entries[0]
      const candidates = entries.reduce<number[]>((kept, e) => kept.filter((i) => e?.fooled.includes(i)), first ? [...first.fooled] : [])
      const rows: ReportPictures['gallery'] = []
      const summary = candidates.length
        ? await api.call(
            'gallery.run',
            { modelId, datasetId, attacks: attacks.map((a) => ({ ...a, key: a.id })), onlyAllFooled: true, indices: candidates.join(',') },
            {
              ...progressOf('gallery'),
              onPartial: (data) => {
                // A pooled job wraps each worker's partial; a single worker's arrives as it is.
                const partial = ((data as { data?: unknown }).data ?? data) as GalleryRowsPartial
                if (partial.type !== 'gallery-rows') return
                for (const row of partial.rows) {
                  if (rows.length >= shown || !row.allFooled) continue
                  const adversarials = Object.fromEntries(Object.entries(row.pixels.attacks).map(([k, p]) => [k, imageOf(p.adversarial)]))
                  rows.push({ index: row.index, label: row.label, original: imageOf(row.pixels.original), attacks: adversarials })
                }
              },
            },
          )
        : null
      rows.sort((a, b) => a.index - b.index)
      const allFooled = summary?.rows.filter((r) => r.allFooled) ?? []
      return {
        results: {
          gallery: {
            n: curves.n,
            cleanCorrect: Math.round((first?.cleanAccuracy ?? 0) * curves.n),
            candidates,
            allFooledCount: allFooled.length,
            perAttack: Object.fromEntries(
              entries.flatMap((e) =>
                e ? [[e.attack, { label: e.attackLabel, successRate: e.successRate, fooled: e.fooled.length }]] : [],
              ),
            ),
            rows: allFooled.map((r) => ({
              index: r.index,
              label: r.label,
              attacks: Object.fromEntries(
                Object.entries(r.attacks).map(([k, a]) => [k, { label: a.label, confidence: a.confidence, l2: a.l2, linf: a.linf }]),
              ),
            })),
          },
        },
        pictures: { gallery: rows },
        summary: `${allFooled.length} of ${curves.n} samples fooled by all three`,
      }
    },
    async kernels() {
      const { radius, mode } = settings.kernels
      const report = await api.call('model.kernels', { modelId, radius, mode }, { signal })
      const after = await api.call(
        'model.evaluate',
        { modelId, datasetId, defense: { kind: 'd2', radii: [radius] }, ...wide },
        progressOf('kernels'),
      )
      return {
        results: {
          kernels: {
            layer: report.layer,
            radius,
            kernelShape: report.kernelShape,
            keptBins: report.keptBins,
            totalBins: report.totalBins,
            energyRemovedFraction: report.energyRemovedFraction,
            maxImag: report.maxImag,
            accuracyBefore: evaluation.accuracy,
            accuracyAfter: after.accuracy,
            n: after.n,
          },
        },
        pictures: { kernels: report },
        summary: `${pct(report.energyRemovedFraction)} of the energy removed, accuracy ${pct(evaluation.accuracy)} → ${pct(after.accuracy)}`,
      }
    },
    async heatmap() {
      const { eps, stride } = settings.heatmap
      const map = await api.call('spectral.heatmap', { datasetId, modelId, eps, stride, seed, ...wide }, progressOf('heatmap'))
      const [h, w] = map.shape
      const { error } = heatmapGrids(map)
      const rates = Array.from(map.errors, (e) => e / Math.max(map.n, 1))
      return {
        results: {
          heatmap: {
            eps,
            stride,
            n: map.n,
            cleanErrors: map.cleanErrors,
            meanErrorRate: rates.reduce((s, r) => s + r, 0) / Math.max(rates.length, 1),
            maxErrorRate: Math.max(0, ...rates),
            radialError: radialProfile(error, h, w).map((v) => (Number.isNaN(v) ? null : v)),
          },
        },
        pictures: { heatmap: { error, h, w } },
        summary: `mean error rate ${pct(rates.reduce((s, r) => s + r, 0) / Math.max(rates.length, 1))} over ${rates.length} frequencies`,
      }
    },
  }

  const results: Partial<Sections> = {}
  const pictures: Partial<ReportPictures> = {}
  const order = ['figure1', 'radius', 'curves', 'direct', 'gallery', 'kernels', 'heatmap'] as const satisfies (keyof Sections &
    ReportSectionId)[]
  for (const section of order) {
    begin(section)
    t0 = performance.now()
    const saved = (await api.call('report.checkpoint', { out, key, section, force }, { signal })).value as
      (AnySection & { seconds: number }) | null
    const output: AnySection = saved ?? (await sections[section]())
    Object.assign(results, output.results)
    Object.assign(pictures, output.pictures)
    const seconds = saved ? saved.seconds : (performance.now() - t0) / 1000
    timings[section] = seconds
    if (!saved) await api.call('report.checkpoint', { out, key, section, value: { ...output, seconds } }, { signal })
    emit({
      type: 'report-section',
      section,
      status: 'done',
      seconds,
      summary: output.summary,
      resumed: saved !== null,
      results: output.results,
    })
  }

  begin('write')
  t0 = performance.now()
  const data: ReportResults = {
    version: 1,
    settings,
    methods: {
      model: (({ name, format, source, sha256, inputShape, inputRange, classes, totalParams, convLayers, engine: e }) => ({
        name,
        format,
        source,
        sha256,
        inputShape,
        inputRange,
        classes,
        totalParams,
        convLayers,
        engine: e,
      }))(described.model),
      dataset: (({ name, format, source, count, shape, valueRange }) => ({
        name,
        format,
        source,
        count,
        shape,
        valueRange,
        fingerprint: described.fingerprint,
      }))(described.dataset),
      engine: { backend: engine.backend, forward: engine.forward, versions: engine.versions, workers: engine.workers, cores: engine.cores },
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      timings,
    },
    evaluation: { n: evaluation.n, accuracy: evaluation.accuracy },
    ...(results as Sections),
  }
  // The folder was checked for this run by the checkpoints: rewriting its own files is safe.
  const written = await api.call(
    'report.write',
    { out, results: data, pictures: pictures as ReportPictures, pdf, force: true },
    progressOf('write'),
  )
  timings.write = (performance.now() - t0) / 1000
  emit({
    type: 'report-section',
    section: 'write',
    status: 'done',
    seconds: timings.write,
    summary: written.pdf ? 'index.html, results.json and report.pdf' : 'index.html and results.json',
    resumed: false,
    results: {},
  })
  return { ...written, data }
}
