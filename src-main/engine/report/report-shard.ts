import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { CallOptions, LabApi } from '../../protocol/lab-api'
import type { ParsedParams } from '../../protocol/methods'
import { describePreprocessing } from '../../protocol/models'
import type { ReportPartial, ReportSectionId, ReportSettings, ReportSummary } from '../../protocol/report'
import { shardBounds } from '../../protocol/selection'
import type { ShardAttempt, ShardOutcome, ShardRecord } from '../../protocol/shards'
import { LabError } from '../base/errors'
import { APP_VERSION } from '../base/version'
import type { LoadedShard } from '../shards/load-shards'
import { adoptFolder, selectionSha256 } from '../shards/run-shard'
import { writeShardRecord } from '../shards/shard-record'
import { lockShardFolder } from '../shards/shard-lock'
import { readSection } from './checkpoint'
import { assembleReport, measureRun, planRun } from './run-report'
import { MEASURED_SECTIONS, mergeMeasured, type Measured } from './sections'
import { writeReport } from './write-report'

/** What a report shard records in shard.json's `run`: every shard of one run has the same. */
interface ReportRun {
  preset: string
  limit: number | null
  seed: number
  /** The run's checkpoint key (model SHA-256, data fingerprint, settings). */
  key: string
  settings: ReportSettings
  /** The attack sections' selection (the wide one is the record's `selected`). */
  attackSelected: { count: number; sha256: string }
}

const now = () => new Date().toISOString()

/**
 * `hfc-lab report --shard I/N`: measures block I of N of each section's selection (the wide one of
 * Figure 1, the radius curve, the kernels' accuracy and the heat map; the drawn one of the attack
 * sections) into a shard folder, with shard.json and the lock of the batch jobs' shards. Each
 * section is saved when done, so a killed shard re-run with the same command resumes after it.
 */
export async function runReportShard(
  api: LabApi,
  request: ParsedParams<'report.shard'>,
  options: CallOptions<ReportPartial>,
  backend: string,
): Promise<ShardOutcome> {
  const { datasetId, shard, preset, limit, seed } = request
  const out = resolve(request.out)
  if (existsSync(out) && !statSync(out).isDirectory()) throw new Error(`${out} is a file. Give the shard a folder of its own with --out`)
  const lock = await lockShardFolder(out, shard)
  try {
    const signal = options.signal
    const plan = await planRun(api, request, signal)
    const { settings } = plan
    const [wide, attack] = await Promise.all(
      [settings.wideSelection, settings.attackSelection].map((s) => api.call('data.selection', { datasetId, ...s }, { signal })),
    )
    const [start, end] = shardBounds(wide.indices.length, shard)
    const [attackStart, attackEnd] = shardBounds(attack.indices.length, shard)
    if (end <= start || attackEnd <= attackStart)
      throw new LabError(
        'SHARD_EMPTY',
        `Shard ${shard.index}/${shard.count} would have no images (the report draws ${attack.indices.length} for its attack sections and ${wide.indices.length} for the others). Use at most ${Math.min(attack.indices.length, wide.indices.length)} shards`,
      )
    const run: ReportRun = {
      preset,
      limit: limit ?? null,
      seed,
      key: plan.key,
      settings,
      attackSelected: { count: attack.indices.length, sha256: selectionSha256(attack.indices) },
    }
    const record: ShardRecord = {
      format: 'hfc-lab-shard',
      format_version: 1,
      command: 'report',
      argv: request.argv,
      run: { ...run },
      selection: { ...(limit !== undefined ? { limit } : {}), seed },
      selected: { count: wide.indices.length, sha256: selectionSha256(wide.indices) },
      shard: { index: shard.index, count: shard.count, start, end },
      model: {
        spec: request.modelSpec,
        name: plan.described.model.name,
        sha256: plan.described.model.sha256,
        preprocessing: describePreprocessing(plan.described.model.inputRange, plan.described.model.preprocessing),
      },
      dataset: { spec: request.dataSpec, name: wide.name, count: wide.count, fingerprint: wide.fingerprint },
      app: { version: APP_VERSION },
      backend,
      // A report shard saves one checkpoint per section, each over its whole block.
      batchSize: end - start,
      started: now(),
      finished: null,
      attempts: [],
    }
    const resuming = await adoptFolder(out, record, request.force)
    const attempt: ShardAttempt = { started: now(), finished: null, batchesRun: 0, batchesResumed: 0 }
    record.attempts.push(attempt)
    await writeShardRecord(out, record)
    await measureRun(
      api,
      // A folder adopted for this run keeps its sections; a new or replaced one starts over.
      { ...request, out, force: !resuming },
      {
        ...options,
        onPartial: (p) => {
          if (p.status === 'done') {
            if (p.resumed) attempt.batchesResumed += 1
            else attempt.batchesRun += 1
          }
          options.onPartial?.(p)
        },
      },
      shard,
    )
    attempt.finished = record.finished = now()
    await writeShardRecord(out, record)
    return { record, samples: end - start, batchesRun: attempt.batchesRun, batchesResumed: attempt.batchesResumed, batchesDamaged: 0 }
  } finally {
    await lock.release()
  }
}

/**
 * `hfc-lab merge` of report shards (checked to be one run's, all there and finished): joins each
 * section's measurements with the exact merges of the batch jobs and writes the report folder, as
 * the unsharded run writes it. Nothing is re-run.
 */
export async function mergeReportShards(shards: LoadedShard[], out: string, force: boolean, pdf: boolean): Promise<ReportSummary> {
  const folder = resolve(out)
  if (shards.some((s) => resolve(s.dir) === folder))
    throw new Error(`${folder} is one of the shard folders. Merge the report into a folder of its own with --out`)
  const run = shards[0].record.run as unknown as ReportRun
  const timings: Partial<Record<ReportSectionId, number>> = {}
  const parts: Measured[] = []
  for (const { dir, record } of shards) {
    const part: Partial<Record<(typeof MEASURED_SECTIONS)[number], unknown>> = {}
    for (const section of MEASURED_SECTIONS) {
      const saved = (await readSection(dir, run.key, section)) as { value: unknown; seconds: number } | null
      if (!saved)
        throw new LabError(
          'SHARD_SECTION_MISSING',
          `shard ${record.shard.index}/${record.shard.count} (${dir}) lacks its ${section} section. Re-run that shard with the same command line; it resumes`,
        )
      part[section] = saved.value
      // Compute time summed over the shards.
      timings[section] = (timings[section] ?? 0) + saved.seconds
    }
    parts.push(part as Measured)
  }
  const measured = mergeMeasured(parts, run.settings)
  const startedAt = shards.map((s) => s.record.started).sort()[0]
  const { results, pictures } = assembleReport({ settings: run.settings, measured, startedAt, timings }, now())
  const written = await writeReport({ out: folder, results, pictures, pdf, force })
  return { ...written, data: results }
}
