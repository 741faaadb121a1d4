import type { Command } from 'commander'
import { resolve } from 'node:path'
import type { EngineHost } from '../../engine/runtime/host'
import { describePreprocessing, type ModelSummary } from '../../protocol/models'
import type { DataFlags } from '../specs'
import type { Shard } from '../../protocol/selection'
import type { SelectionOptions, ShardCommand, ShardJob } from '../../protocol/shards'
import { printJson, progressBar, withEngine, type EngineOptions } from '../engine'
import { SHARD_HELP, parseShardSpec } from './shard-spec'

export interface ShardFlags {
  shard?: string
  batchSize?: number
  out?: string
  force?: boolean
  json?: boolean
}

/** Adds --shard and --batch-size to a batch command. */
export function addShardOptions(command: Command, defaultBatchSize: number): Command {
  return command
    .option('--shard <I/N|auto/N|auto>', SHARD_HELP)
    .option(
      '--batch-size <n>',
      `with --shard: samples per saved batch; a killed shard re-run with the same command resumes after its last saved batch (default ${defaultBatchSize})`,
      Number,
    )
}

/** What a command opens in the engine before its shard runs. */
export interface PreparedShard {
  /** The parameters that decide the results (recorded in shard.json, compared by merge). */
  run: Record<string, unknown>
  model: { spec: string; info: ModelSummary }
  datasetId: string
  /** The engine call each batch runs, given the batch's data-set indices (and a gallery its folder). */
  job: ShardJob
}

/** What a stopped shard left: its finished batches, which a re-run of the same command resumes from. */
async function shardKept(host: EngineHost, out: string, shard: Shard): Promise<string> {
  const { batches, samples } = await host.call('shard.status', { out }).catch(() => ({ batches: 0, samples: 0 }))
  return `Kept ${batches} finished batch(es) (${samples} samples) of shard ${shard.index}/${shard.count} in ${out}; run the same command again to resume.`
}

/** Runs a batch command as one shard into its --out folder and reports what it did. */
export async function runShardCommand(
  engine: EngineOptions,
  command: ShardCommand,
  flags: ShardFlags & DataFlags & { data: string },
  selection: SelectionOptions,
  defaultBatchSize: number,
  prepare: (host: EngineHost) => Promise<PreparedShard>,
): Promise<void> {
  const shard = parseShardSpec(flags.shard ?? '')
  if (!flags.out) throw new Error('--shard needs --out: the folder this shard writes its results and shard.json into')
  const batchSize = flags.batchSize ?? defaultBatchSize
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`--batch-size must be a whole number of at least 1, got ${flags.batchSize}`)
  const out = resolve(flags.out)
  const outcome = await withEngine(
    engine,
    async (host) => {
      const prepared = await prepare(host)
      const { name, sha256 } = prepared.model.info
      return host.call(
        'shard.run',
        {
          command,
          job: prepared.job,
          out,
          force: !!flags.force,
          shard,
          batchSize,
          run: prepared.run,
          selection,
          argv: process.argv.slice(2),
          model: {
            spec: prepared.model.spec,
            name,
            sha256,
            preprocessing: describePreprocessing(prepared.model.info.inputRange, prepared.model.info.preprocessing),
          },
          dataset: { spec: flags.data, id: prepared.datasetId },
        },
        { onProgress: progressBar(`${command} shard ${shard.index}/${shard.count}`) },
      )
    },
    (host) => shardKept(host, out, shard),
  )
  const { record } = outcome
  if (flags.json)
    return printJson({
      shard: record.shard,
      samples: outcome.samples,
      batchesRun: outcome.batchesRun,
      batchesResumed: outcome.batchesResumed,
      batchesDamaged: outcome.batchesDamaged,
      out,
      finished: record.finished,
    })
  const { start, end, index, count } = record.shard
  const resumed = outcome.batchesResumed ? `, ${outcome.batchesResumed} already on disk` : ''
  const damaged = outcome.batchesDamaged ? ` (${outcome.batchesDamaged} damaged batch(es) on disk run again)` : ''
  const range = end > start ? `positions ${start}-${end - 1}` : 'no samples'
  console.log(
    `shard ${index}/${count}: ${range} of the ${record.selected.count} selected, ${outcome.batchesRun} batch(es) run${resumed}${damaged}; wrote ${out}`,
  )
}
