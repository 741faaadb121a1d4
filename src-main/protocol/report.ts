import { z } from 'zod'
import type { CurvePresetSettings, EvalProtocol, Norm } from './attacks'
import type { DatasetSummary } from './data'
import { job, method } from './define'
import type { EngineInfo } from './engine'
import type { KernelReport, ModelSummary } from './models'
import { writeFolderPath } from './paths'
import { shardSchema } from './selection'
import type { ShardOutcome } from './shards'
import type { Figure1Sample, RadiusCurve, SvdControlResult } from './spectral'

/**
 * The one-command report (issue 20): the paper's figures for the analyst's model, written as an
 * offline folder (index.html + PNGs, results.json, report.pdf where a headless Chromium exists).
 */
export const reportPresetSchema = z.enum(['quick', 'paper'])
export type ReportPreset = z.infer<typeof reportPresetSchema>

/** The sections in the order they run and appear; 'write' renders the folder. */
export const REPORT_SECTIONS = ['setup', 'figure1', 'radius', 'curves', 'direct', 'gallery', 'kernels', 'heatmap', 'write'] as const
export type ReportSectionId = (typeof REPORT_SECTIONS)[number]

export const REPORT_SECTION_LABELS: Record<ReportSectionId, string> = {
  setup: 'Model, data and clean accuracy',
  figure1: 'Figure 1 and the SVD control',
  radius: 'Accuracy versus radius',
  curves: 'Figures 2-4: transfer curves',
  direct: 'Appendix B: direct attack',
  gallery: 'Appendix C: gallery',
  kernels: 'D2 kernels',
  heatmap: 'Fourier heat map',
  write: 'Writing the report',
}

/** The sample selection of a section, in the fields every batch job takes (protocol/selection). */
export interface ReportSelection {
  limit?: number
  n?: number
  seed?: number
}

/** Every parameter of a run, resolved for the model's input size: what the methods section prints. */
export interface ReportSettings {
  preset: ReportPreset
  seed: number
  /** Evaluation, Figure 1, SVD control, accuracy versus radius, the kernels' accuracy cost and the heat map. */
  wideSelection: ReportSelection
  /** The attack sections (curves, direct attack, gallery): attacks cost far more per image. */
  attackSelection: ReportSelection
  figure1: { radius: number; mask: { kind: 'circle'; rule: 'strict' }; svdKs: number[]; shown: number }
  radius: { radii: number[] }
  curves: CurvePresetSettings & { points: number }
  direct: CurvePresetSettings & { points: number; exampleEps: number; examples: number }
  gallery: { attacks: { id: string; params: Record<string, unknown> }[]; shown: number }
  kernels: { radius: number; mode: 'kernel' }
  heatmap: { eps: number; stride: number }
}

/** One curve of the curve sections, without per-sample arrays. */
export interface ReportCurve {
  attack: string
  attackLabel: string
  params: Record<string, unknown>
  defense: string
  defenseKind: 'none' | 'd1' | 'd2'
  protocol: EvalProtocol
  auc: number
  aucTrapezoid: number
  cleanAccuracy: number
  adversarialAccuracy: number
  successRate: number
  medianDistance: number
  grid: number[]
  accuracy: number[]
  /** Data-set indices of the samples the scored model gets right that the attack fooled. */
  fooled: number[]
}

export interface ReportCurves {
  norm: Norm
  n: number
  indices: number[]
  entries: ReportCurve[]
  skipped: { attack: string; defense: string; protocol: EvalProtocol; reason: string }[]
}

export interface ReportExample {
  index: number
  label: number
  distance: number
  adversarialCorrect: boolean
  /** Prediction of the attacked model on the adversarial. */
  original: ReportImage
  adversarial: ReportImage
}

/** Pixels of one picture in the report, HWC on [0, 1] (never written to results.json). */
export interface ReportImage {
  shape: [number, number, number]
  data: Float32Array
}

export interface ReportResults {
  version: 1
  settings: ReportSettings
  methods: {
    model: Pick<
      ModelSummary,
      'name' | 'format' | 'source' | 'sha256' | 'inputShape' | 'inputRange' | 'classes' | 'totalParams' | 'convLayers' | 'engine'
    >
    dataset: Pick<DatasetSummary, 'name' | 'format' | 'source' | 'count' | 'shape' | 'valueRange'> & { fingerprint: string }
    engine: Pick<EngineInfo, 'backend' | 'forward' | 'versions' | 'workers' | 'cores'>
    startedAt: string
    finishedAt: string
    /** Seconds per section. */
    timings: Partial<Record<ReportSectionId, number>>
  }
  evaluation: { n: number; accuracy: number }
  figure1: {
    radius: number
    n: number
    counts: { clean: number; low: number; high: number; highOnly: number; lowOnly: number }
    highOnly: Figure1Sample[]
    lowOnly: Figure1Sample[]
    svd: SvdControlResult
  }
  radius: RadiusCurve
  curves: ReportCurves
  direct: ReportCurves & {
    examples: { defense: string; protocol: EvalProtocol; eps: number; rows: Omit<ReportExample, 'original' | 'adversarial'>[] }
  }
  gallery: {
    /** The attack selection; the attacks' rates are those of their Figure-4 curves. */
    n: number
    cleanCorrect: number
    /** Samples every attack's curve fooled, run again through gallery.run for the pictures. */
    candidates: number[]
    allFooledCount: number
    perAttack: Record<string, { label: string; successRate: number; fooled: number }>
    rows: { index: number; label: number; attacks: Record<string, { label: number; confidence: number; l2: number; linf: number }> }[]
  }
  kernels: {
    layer: string
    radius: number
    kernelShape: [number, number, number, number]
    keptBins: number
    totalBins: number
    energyRemovedFraction: number
    maxImag: number
    accuracyBefore: number
    accuracyAfter: number
    n: number
  }
  heatmap: {
    eps: number
    stride: number
    n: number
    cleanErrors: number
    meanErrorRate: number
    maxErrorRate: number
    radialError: (number | null)[]
  }
}

/** The pictures a report shows beside its numbers (they travel to the writer, not into results.json). */
export interface ReportPictures {
  figure1: { highOnly: ReportDecomposition[]; lowOnly: ReportDecomposition[] }
  directExamples: ReportExample[]
  gallery: { index: number; label: number; original: ReportImage; attacks: Record<string, ReportImage> }[]
  kernels: KernelReport
  heatmap: { error: Float32Array; h: number; w: number }
}

export interface ReportDecomposition {
  index: number
  label: number
  original: ReportImage
  low: ReportImage
  high: ReportImage
}

/** What report.run streams through onPartial: a section started, or finished with its results. */
export type ReportPartial =
  | { type: 'report-section'; section: ReportSectionId; status: 'running' }
  | {
      type: 'report-section'
      section: ReportSectionId
      status: 'done'
      seconds: number
      summary: string
      resumed: boolean
      /** What the section added to results.json (empty for setup and write, whose numbers are in the summary). */
      results: Partial<Omit<ReportResults, 'version' | 'settings' | 'methods'>>
    }

export interface ReportSummary {
  out: string
  index: string
  results: string
  /** The PDF written, or null with the reason and how to print the HTML instead. */
  pdf: string | null
  pdfNote: string
  files: string[]
  data: ReportResults
}

/**
 * The app's print request (Electron only, over its own IPC channel, not a LabApi method): print
 * index.html of a report folder the app wrote in this session to report.pdf with Chromium's
 * printToPDF. The CLI and the browser host print through a headless Chromium in report.write.
 */
/** The report folder's page and PDF, as every writer and printer names them. */
export const REPORT_FILE_NAMES = { index: 'index.html', results: 'results.json', pdf: 'report.pdf' } as const

/** What to do where no PDF was printed. */
export const REPORT_PRINT_HINT = 'open index.html in a browser and print it to PDF (Ctrl+P, "Save as PDF")'

export const printReportRequestSchema = z.object({ out: z.string().min(1).max(4096) }).strict()
export type PrintReportRequest = z.infer<typeof printReportRequestSchema>

/** The PDF written, or null with the reason and how to print the HTML instead. */
export interface PrintedReport {
  pdf: string | null
  note: string
}

const id = z.string().min(1).max(64)

const reportFields = {
  modelId: id,
  datasetId: id,
  out: writeFolderPath(),
  preset: reportPresetSchema.default('quick'),
  /** Only the first N images of the data set, for every section. */
  limit: z.number().int().min(1).max(10_000_000).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(0),
  /** Replace a report already in the folder; without it, finished sections of the same run are kept (resume). */
  force: z.boolean().default(false),
  pdf: z.boolean().default(true),
}

const objectWith = (keys: string[]) => (value: unknown) =>
  typeof value === 'object' && value !== null && keys.every((k) => k in (value as Record<string, unknown>))

export const reportMethods = {
  'report.run': job(
    z.object(reportFields).strict(),
    'Runs every section of the paper study (Figure 1, radius curve, Figures 2-4, Appendices B and C, D2 kernels, heat map) and writes an offline report folder.',
  ).returns<ReportSummary, ReportPartial>(),
  'report.shard': job(
    z
      .object({
        ...(({ pdf: _pdf, ...fields }) => fields)(reportFields),
        /** This process's block of each of the run's selections; `hfc-lab merge` makes the report from all blocks. */
        shard: shardSchema,
        /** The command line and the model and data as given, recorded in shard.json. */
        argv: z.array(z.string().max(100_000)).max(10_000),
        modelSpec: z.string().min(1).max(4096),
        dataSpec: z.string().min(1).max(4096),
      })
      .strict(),
    "Measures one shard of a report run (its block of each section's selection) into a shard folder with shard.json, one checkpoint per section; a re-run resumes; `shard.merge` writes the report.",
  ).returns<ShardOutcome, ReportPartial>(),
  'report.write': job(
    z
      .object({
        out: writeFolderPath(),
        results: z.custom<ReportResults>(objectWith(['version', 'settings', 'methods']), 'results must be a report results object'),
        pictures: z.custom<ReportPictures>(
          objectWith(['figure1', 'directExamples', 'gallery', 'kernels', 'heatmap']),
          'pictures must be a report pictures object',
        ),
        pdf: z.boolean().default(true),
        /** Replace the files of a report already in the folder. */
        force: z.boolean().default(false),
      })
      .strict(),
    'Renders a report folder from finished results: index.html, one PNG per figure, results.json, and report.pdf through a headless Chromium when one is found.',
  ).returns<Omit<ReportSummary, 'data'>>(),
  'report.checkpoint': method(
    z
      .object({
        out: writeFolderPath(),
        key: z.string().min(1).max(128),
        section: z.enum(REPORT_SECTIONS),
        value: z.unknown().optional(),
        /** Loading for a run that replaces the folder: only check that it can take files. */
        force: z.boolean().default(false),
      })
      .strict(),
    'Saves (with value) or loads (without) one finished section of a report run, so a re-run of the same run resumes; loading checks the folder first.',
  ).returns<{ value: unknown | null }>(),
  'report.describe': method(
    z.object({ modelId: id, datasetId: id }).strict(),
    "The model's and data set's summaries and the data set's fingerprint, for a report's methods section.",
  ).returns<{ model: ModelSummary; dataset: DatasetSummary; fingerprint: string }>(),
}
