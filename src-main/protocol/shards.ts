import { z } from 'zod'
import type { AttackRun, CurveRun, attackMethods } from './attacks'
import { job, method } from './define'
import type { GalleryExportSummary, GallerySummary, galleryMethods } from './gallery'
import type { FourierHeatmap, heatmapMethods } from './heatmap'
import type { Defense, Evaluation, GradientMaps, KernelReport, modelMethods } from './models'
import { readPath, writeFilePath, writeFolderPath } from './paths'
import { selectionFields, shardSchema } from './selection'
import type { ReportSummary } from './report'
import type { Figure1Result, spectralMethods } from './spectral'

/**
 * Sharded batch jobs for schedulers (Kubernetes Indexed Jobs, Slurm job arrays) and the files
 * the batch commands write: the engine runs one contiguous block of a selection into a shard
 * folder, batch by batch and resumable, merges the shard folders of one run into the outputs of
 * the unsharded command, and writes those outputs for an unsharded run. Clients (the CLI) only
 * name the job and the folders.
 */

/** The batch commands that run as shards, each the CLI name of one engine method. */
export const SHARD_METHODS = {
  eval: 'model.evaluate',
  curve: 'attack.curve',
  attack: 'attack.run',
  gallery: 'gallery.export',
  figure1: 'spectral.figure1',
  grad: 'model.gradient',
  heatmap: 'spectral.heatmap',
} as const
export type ShardCommand = keyof typeof SHARD_METHODS
const shardCommands = Object.keys(SHARD_METHODS) as [ShardCommand, ...ShardCommand[]]

type MethodParams<T extends { params: z.ZodTypeAny }> = z.input<T['params']>

/** The parameters of the engine methods a batch job runs (a shard's batch gets its indices, and a gallery its folder, from the engine). */
interface BatchParams {
  'model.evaluate': MethodParams<(typeof modelMethods)['model.evaluate']>
  'model.gradient': MethodParams<(typeof modelMethods)['model.gradient']>
  'model.kernels': MethodParams<(typeof modelMethods)['model.kernels']>
  'attack.run': MethodParams<(typeof attackMethods)['attack.run']>
  'attack.curve': MethodParams<(typeof attackMethods)['attack.curve']>
  'spectral.figure1': MethodParams<(typeof spectralMethods)['spectral.figure1']>
  'spectral.heatmap': MethodParams<(typeof heatmapMethods)['spectral.heatmap']>
  'gallery.export': MethodParams<(typeof galleryMethods)['gallery.export']>
}

/** What each batch method returns (one batch of a gallery shard keeps its files and this summary). */
export interface BatchResults {
  'model.evaluate': Evaluation
  'model.gradient': GradientMaps
  'model.kernels': KernelReport
  'attack.run': AttackRun
  'attack.curve': CurveRun
  'spectral.figure1': Figure1Result
  'spectral.heatmap': FourierHeatmap
  'gallery.export': GallerySummary
}
export type BatchMethod = keyof BatchResults

/** One engine call, named with its parameters. */
export type BatchJob<M extends BatchMethod = BatchMethod> = { [K in M]: { method: K; params: BatchParams[K] } }[M]

/** A shard's job: the engine gives each batch its indices (and a gallery batch its folder). */
export type ShardJob<M extends ShardMethod = ShardMethod> = { [K in M]: { method: K; params: Omit<BatchParams[K], 'indices' | 'out'> } }[M]
export type ShardMethod = (typeof SHARD_METHODS)[ShardCommand]

/** The jobs whose outputs `results.save` writes (a gallery export writes its own folder). */
export type SaveMethod = Exclude<BatchMethod, 'gallery.export'>
export const SAVE_METHODS = [
  'model.evaluate',
  'model.gradient',
  'model.kernels',
  'attack.run',
  'attack.curve',
  'spectral.figure1',
  'spectral.heatmap',
] as const satisfies readonly SaveMethod[]

/** Checked shape only: the engine validates the params with the named method's own schema when it runs the job. */
const jobSchema = <J extends { method: BatchMethod }>(allowed: readonly J['method'][]) =>
  z.custom<J>(
    (v) => {
      if (!v || typeof v !== 'object') return false
      const { method: name, params } = v as { method?: unknown; params?: unknown }
      return (allowed as readonly unknown[]).includes(name) && !!params && typeof params === 'object' && !Array.isArray(params)
    },
    { message: `a job is { method, params } with method one of ${allowed.join(', ')}` },
  )

/** How the samples were selected, before sharding (the CLI's --limit/--indices/--n/--seed/--class). */
export const selectionOptionsSchema = z.object(selectionFields).omit({ shard: true }).strict()
export type SelectionOptions = z.infer<typeof selectionOptionsSchema>

/** One start of the shard process: a first run or a resume after a crash. */
export interface ShardAttempt {
  started: string
  finished: string | null
  /** Batches this attempt ran, and batches it found already on disk. */
  batchesRun: number
  batchesResumed: number
}

/**
 * shard.json: what one shard of a sharded job ran, enough for a merge to check that shards
 * belong together and cover the selection exactly once, and for a re-run to resume.
 */
export interface ShardRecord {
  format: 'hfc-lab-shard'
  format_version: 1
  /** A batch command, or 'report' (a report's shard keeps one checkpoint per section instead of batches). */
  command: ShardCommand | 'report'
  /** The command line of the first attempt (arguments after the program name). */
  argv: string[]
  /** The parameters that decide the results (attacks, defenses, norm, ...); never paths or shard. */
  run: Record<string, unknown>
  selection: SelectionOptions
  /** The whole selection (all shards): its size and the SHA-256 of its int32 indices. */
  selected: { count: number; sha256: string }
  /** This shard, and the positions [start, end) of the selection it covers. */
  shard: { index: number; count: number; start: number; end: number }
  /** As given on the command line (path or default id), with what identifies the content. */
  model: { spec: string; name: string; sha256: string; /** describePreprocessing of what the model ran with. */ preprocessing?: string }
  dataset: { spec: string; name: string; count: number; fingerprint: string }
  app: { version: string }
  backend: string
  /** Samples per saved batch (results do not depend on it). */
  batchSize: number
  started: string
  /** Set when every batch of the shard is on disk. */
  finished: string | null
  attempts: ShardAttempt[]
}

export interface ShardOutcome {
  record: ShardRecord
  samples: number
  batchesRun: number
  batchesResumed: number
  /** Finished batches whose result.json no longer read; run again. */
  batchesDamaged: number
}

/**
 * What a gallery shard runs with, recorded in shard.json. Shards export every sample (no
 * only-all-fooled/only-fooled-by filter), so that the merge has every sample's outcome for the
 * summary and applies the filter itself when it copies files.
 */
export interface GalleryRunOptions {
  attacks: { id: string; params: Record<string, unknown> }[]
  defense: Defense
  misclassifiedOnly: boolean
  onlyAllFooled: boolean
  onlyFooledBy?: string
}

/** What each command's merge gives: the result of the unsharded command. */
export interface MergedResults {
  eval: Evaluation
  curve: CurveRun
  attack: AttackRun
  gallery: GalleryExportSummary
  figure1: Figure1Result
  grad: GradientMaps
  heatmap: FourierHeatmap
  /** The report folder written from the shards' sections. */
  report: ReportSummary
}
export type MergedResult = { [C in keyof MergedResults]: { command: C; result: MergedResults[C] } }[keyof MergedResults]

const id = z.string().min(1).max(64)
const spec = z.string().min(1).max(4096)

export const shardMethods = {
  'data.selection': method(
    z.object({ datasetId: id, ...selectionOptionsSchema.shape }).strict(),
    'The whole selection of a batch job (before sharding) with the data set fingerprint, as the batch jobs select it.',
  ).returns<{ indices: Int32Array; name: string; count: number; fingerprint: string }>(),
  'shard.run': job(
    z
      .object({
        command: z.enum(shardCommands),
        job: jobSchema<ShardJob>(Object.values(SHARD_METHODS)),
        out: writeFolderPath(),
        force: z.boolean().default(false),
        shard: shardSchema,
        batchSize: z.number().int().min(1).max(10_000_000),
        /** The parameters that decide the results, recorded in shard.json and compared by the merge. */
        run: z.record(z.unknown()),
        selection: selectionOptionsSchema,
        /** The command line, recorded in shard.json. */
        argv: z.array(z.string().max(100_000)).max(10_000),
        model: z
          .object({ spec, name: z.string().max(4096), sha256: z.string().max(128), preprocessing: z.string().max(4096).optional() })
          .strict(),
        dataset: z.object({ spec, id }).strict(),
      })
      .strict()
      .refine((p) => SHARD_METHODS[p.command] === p.job.method, { message: "the job must be the command's method" }),
    'Runs one shard of a batch job into its folder, batch by batch; resumes from the batches an earlier attempt saved.',
  ).returns<ShardOutcome>(),
  'shard.status': method(
    z.object({ out: readPath() }).strict(),
    'The finished batches a shard folder holds (what a stopped shard kept).',
  ).returns<{ batches: number; samples: number }>(),
  'shard.merge': job(
    z
      .object({
        dirs: z.array(readPath()).min(1).max(100_000),
        out: writeFolderPath(),
        force: z.boolean().default(false),
        /** Report shards only: print report.pdf through a headless Chromium when one is found. */
        pdf: z.boolean().default(true),
      })
      .strict(),
    "Checks the shard folders of one run and writes the outputs of the unsharded command from their batches (or a report from its shards' sections); nothing is re-run.",
  ).returns<{ record: ShardRecord; backends: string[]; merged: MergedResult }>(),
  'results.save': job(
    z
      .object({
        job: jobSchema<BatchJob<SaveMethod>>(SAVE_METHODS),
        /** The folder the outputs go into; a gradient job writes one file instead. */
        out: writeFolderPath().optional(),
        file: writeFilePath('.npy').optional(),
        force: z.boolean().default(false),
        /** Written into summary.json beside an attack's arrays (what the run was given). */
        meta: z.record(z.unknown()).default({}),
      })
      .strict()
      .refine((p) => (p.job.method === 'model.gradient' ? !!p.file && !p.out : !!p.out && !p.file), {
        message: 'a gradient job writes one .npy file (file); every other job a folder (out)',
      }),
    'Runs a batch job and writes the files its command writes with --out (arrays, CSV, JSON, PNG).',
  ).returns<{ [M in SaveMethod]: { method: M; result: BatchResults[M] } }[SaveMethod]>(),
}
