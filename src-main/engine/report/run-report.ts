import { createHash } from 'node:crypto'
import type { CallOptions, LabApi } from '../../protocol/lab-api'
import type { ParsedParams, Result } from '../../protocol/methods'
import {
  REPORT_SECTIONS,
  REPORT_SECTION_LABELS,
  type ReportPartial,
  type ReportPictures,
  type ReportResults,
  type ReportSectionId,
  type ReportSettings,
  type ReportSummary,
} from '../../protocol/report'
import type { Shard } from '../../protocol/selection'
import { MEASURED_SECTIONS, assemble, measure, type Measured, type SectionId, type SectionResults } from './sections'
import { reportSettings } from './settings'

type Request = Omit<ParsedParams<'report.run'>, 'pdf'>

/** A run's measurements of every section over its selection (or its shard), with what they ran with. */
export interface MeasuredRun {
  settings: ReportSettings
  /** SHA-256 of the model, the data set's fingerprint and every setting: one run (the same for each of its shards). */
  key: string
  measured: Measured
  startedAt: string
  timings: Partial<Record<ReportSectionId, number>>
}

/** Bumped when what a section saves changes, so a re-run never reads another version's checkpoints as its own. */
const CHECKPOINT_VERSION = 2

export function runKey(model: string, fingerprint: string, settings: ReportSettings): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: CHECKPOINT_VERSION, model, data: fingerprint, settings }))
    .digest('hex')
}

/** The settings and the run's key, from the model, the data and the request: what every shard of a run agrees on. */
export async function planRun(
  api: LabApi,
  { modelId, datasetId, preset, limit, seed }: Pick<Request, 'modelId' | 'datasetId' | 'preset' | 'limit' | 'seed'>,
  signal?: AbortSignal,
): Promise<{ settings: ReportSettings; key: string; described: Result<'report.describe'> }> {
  const described = await api.call('report.describe', { modelId, datasetId }, { signal })
  const probe = await api.call('model.kernels', { modelId, radius: 1 }, { signal })
  const settings = reportSettings({ preset, shape: described.model.inputShape, kernelSize: probe.kernelShape[1], limit, seed })
  return { settings, key: runKey(described.model.sha256, described.fingerprint, settings), described }
}

/**
 * Measures every section of a report run (docs/algorithms.md gives each section's algorithm):
 * each section calls the same protocol methods a user would call one by one, with the settings of
 * the preset, over the whole selection or, with `shard`, over that block of each selection. Each
 * finished section is saved in the folder (report.checkpoint): a run stopped half-way and started
 * again with the same model, data and settings resumes after it.
 */
export async function measureRun(
  api: LabApi,
  request: Request,
  options: CallOptions<ReportPartial> = {},
  shard?: Shard,
): Promise<MeasuredRun> {
  const { modelId, datasetId, out, force } = request
  const signal = options.signal
  const startedAt = new Date().toISOString()
  const emit = (partial: ReportPartial) => options.onPartial?.(partial)
  const phase = (section: ReportSectionId) =>
    `${REPORT_SECTIONS.indexOf(section) + 1}/${REPORT_SECTIONS.length} ${section}: ${REPORT_SECTION_LABELS[section]}`
  const progressOf = (section: SectionId): CallOptions => ({
    signal,
    onProgress: (p) => options.onProgress?.({ done: p.done, total: p.total, phase: phase(section) }),
  })

  options.onProgress?.({ done: 0, total: 1, phase: phase('setup') })
  emit({ type: 'report-section', section: 'setup', status: 'running' })
  const { settings, key } = await planRun(api, request, signal)
  const context = { api, modelId, datasetId, settings, shard, signal, progressOf }
  const measured: Partial<Measured> = {}
  const done: Partial<SectionResults> = {}
  const timings: Partial<Record<ReportSectionId, number>> = {}
  for (const section of MEASURED_SECTIONS) {
    if (section !== 'setup') {
      options.onProgress?.({ done: 0, total: 1, phase: phase(section) })
      emit({ type: 'report-section', section, status: 'running' })
    }
    const t0 = performance.now()
    // The first load also checks the folder: one that cannot take files, or holds another run's report, fails before any work.
    const saved = (await api.call('report.checkpoint', { out, key, section, force }, { signal })).value as {
      value: Measured[SectionId]
      seconds: number
    } | null
    const value = saved ? saved.value : await measure[section](context, measured)
    const seconds = saved ? saved.seconds : (performance.now() - t0) / 1000
    if (!saved) await api.call('report.checkpoint', { out, key, section, value: { value, seconds } }, { signal })
    ;(measured as Record<SectionId, unknown>)[section] = value
    timings[section] = seconds
    const output = assemble(section, value, settings, done)
    Object.assign(done, output.results)
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
  return { settings, key, measured: measured as Measured, startedAt, timings }
}

/** results.json and the pictures of a report from its measurements (one run's, or its shards' merged). */
export function assembleReport(
  { settings, measured, startedAt, timings }: Omit<MeasuredRun, 'key'>,
  finishedAt: string,
): { results: ReportResults; pictures: ReportPictures } {
  const done: Partial<SectionResults> = {}
  const pictures: Partial<ReportPictures> = {}
  for (const section of MEASURED_SECTIONS) {
    const output = assemble(section, measured[section], settings, done)
    Object.assign(done, output.results)
    Object.assign(pictures, output.pictures)
  }
  const { model, dataset, fingerprint, engine } = measured.setup
  const results: ReportResults = {
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
      }))(model),
      dataset: (({ name, format, source, count, shape, valueRange }) => ({ name, format, source, count, shape, valueRange, fingerprint }))(
        dataset,
      ),
      engine: { backend: engine.backend, forward: engine.forward, versions: engine.versions, workers: engine.workers, cores: engine.cores },
      startedAt,
      finishedAt,
      timings,
    },
    ...(done as SectionResults),
  }
  return { results, pictures: pictures as ReportPictures }
}

/**
 * The report as one job over the other jobs: measures every section (resuming from the folder's
 * checkpoints) and has a worker write the folder (report.write). It runs in the engine host, so
 * batch jobs still spread over the worker pool.
 */
export async function runReport(
  api: LabApi,
  request: ParsedParams<'report.run'>,
  options: CallOptions<ReportPartial> = {},
): Promise<ReportSummary> {
  const run = await measureRun(api, request, options)
  options.onProgress?.({
    done: 0,
    total: 1,
    phase: `${REPORT_SECTIONS.length}/${REPORT_SECTIONS.length} write: ${REPORT_SECTION_LABELS.write}`,
  })
  options.onPartial?.({ type: 'report-section', section: 'write', status: 'running' })
  const t0 = performance.now()
  const { results, pictures } = assembleReport(run, new Date().toISOString())
  // The folder was checked for this run by the checkpoints: rewriting its own files is safe.
  const written = await api.call(
    'report.write',
    { out: request.out, results, pictures, pdf: request.pdf, force: true },
    {
      signal: options.signal,
      onProgress: (p) =>
        options.onProgress?.({ ...p, phase: `${REPORT_SECTIONS.length}/${REPORT_SECTIONS.length} write: ${REPORT_SECTION_LABELS.write}` }),
    },
  )
  results.methods.timings.write = (performance.now() - t0) / 1000
  options.onPartial?.({
    type: 'report-section',
    section: 'write',
    status: 'done',
    seconds: results.methods.timings.write,
    summary: written.pdf ? 'index.html, results.json and report.pdf' : 'index.html and results.json',
    resumed: false,
    results: {},
  })
  return { ...written, data: results }
}
