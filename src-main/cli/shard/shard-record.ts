import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../engine/export/atomic-write'

export const SHARD_JSON = 'shard.json'

/** The batch commands that run as shards. */
export type ShardCommand = 'eval' | 'curve' | 'attack' | 'gallery' | 'figure1' | 'grad' | 'heatmap'

/** How the samples were selected, before sharding (the CLI's --limit/--indices/--n/--seed/--class). */
export interface SelectionOptions {
  limit?: number
  indices?: string
  n?: number
  seed?: number
  classIndex?: number
}

/** One start of the shard process: a first run or a resume after a crash. */
export interface ShardAttempt {
  started: string
  finished: string | null
  /** Batches this attempt ran, and batches it found already on disk. */
  batchesRun: number
  batchesResumed: number
}

/**
 * shard.json: what one shard of a sharded job ran, enough for `hfc-lab merge` to check that shards
 * belong together and cover the selection exactly once, and for a re-run to resume.
 */
export interface ShardRecord {
  format: 'hfc-lab-shard'
  format_version: 1
  command: ShardCommand
  /** The command line of the first attempt (arguments after the program name). */
  argv: string[]
  /** The parameters that decide the results (attacks, defences, norm, ...); never paths or shard. */
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

/** The fields every shard of one run shares; a shard whose fields differ belongs to another run. */
export function runIdentity(record: ShardRecord): Record<string, unknown> {
  return {
    command: record.command,
    run: record.run,
    selection: record.selection,
    selected: record.selected,
    'shard count': record.shard.count,
    'model SHA-256': record.model.sha256,
    'model preprocessing': record.model.preprocessing ?? null,
    'data set fingerprint': record.dataset.fingerprint,
    'app version': record.app.version,
  }
}

/** The first identity field on which two records differ, with both values; null when they agree. */
export function identityDifference(a: ShardRecord, b: ShardRecord): { field: string; a: string; b: string } | null {
  const [x, y] = [runIdentity(a), runIdentity(b)]
  for (const field of Object.keys(x)) {
    const [u, v] = [JSON.stringify(x[field]), JSON.stringify(y[field])]
    if (u !== v) return { field, a: u, b: v }
  }
  return null
}

export async function readShardRecord(dir: string): Promise<ShardRecord | null> {
  const file = join(dir, SHARD_JSON)
  if (!existsSync(file)) return null
  let record: ShardRecord
  try {
    record = JSON.parse(await readFile(file, 'utf8')) as ShardRecord
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${error instanceof Error ? error.message : String(error)}); re-run that shard with --force`)
  }
  if (record.format !== 'hfc-lab-shard') throw new Error(`${file} is not an HFC Lab shard record`)
  if (record.format_version !== 1) throw new Error(`${file} has shard format ${String(record.format_version)}; this hfc-lab reads format 1`)
  return record
}

export async function writeShardRecord(dir: string, record: ShardRecord): Promise<void> {
  await writeFileAtomic(join(dir, SHARD_JSON), `${JSON.stringify(record, null, 2)}\n`, { force: true })
}
