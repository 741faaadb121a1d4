import { createHash } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import type { Progress } from '../../protocol/messages'
import { shardBounds, type Shard } from '../../protocol/selection'
import type { SelectionOptions, ShardAttempt, ShardCommand, ShardOutcome, ShardRecord } from '../../protocol/shards'
import { APP_VERSION } from '../base/version'
import { clearBatches, commitBatch, listBatches, planBatches, removeDamagedBatches, removePartialBatches } from './journal'
import { identityDifference, readShardRecord, writeShardRecord } from './shard-record'
import { SHARD_LOCK, lockShardFolder } from './shard-lock'

export interface ShardRequest<R> {
  command: ShardCommand
  /** The shard folder (--out). */
  out: string
  /** Start over in a folder that holds another job's shard (or other files). */
  force: boolean
  shard: Shard
  batchSize: number
  /** The parameters that decide the results, recorded and compared by merge. */
  run: Record<string, unknown>
  selection: SelectionOptions
  /** The command line, recorded in shard.json. */
  argv: string[]
  model: ShardRecord['model']
  dataset: ShardRecord['dataset']
  /** The whole selection, before sharding, as the batch jobs select it. */
  selected: Int32Array
  backend: string
  /** Runs one batch (data-set indices `ids`), writing any files into `dir`; returns its result. */
  runBatch(ids: Int32Array, dir: string, onProgress: (p: Progress) => void): Promise<R>
  onProgress?(p: Progress): void
}

/** What identifies a selection in shard.json: the SHA-256 of its int32 indices. */
export function selectionSha256(indices: Int32Array): string {
  return createHash('sha256')
    .update(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength))
    .digest('hex')
}

const now = () => new Date().toISOString()

function describeRun<R>(request: ShardRequest<R>): ShardRecord {
  const all = request.selected
  const [start, end] = shardBounds(all.length, request.shard)
  return {
    format: 'hfc-lab-shard',
    format_version: 1,
    command: request.command,
    argv: request.argv,
    run: request.run,
    selection: request.selection,
    selected: { count: all.length, sha256: selectionSha256(all) },
    shard: { index: request.shard.index, count: request.shard.count, start, end },
    model: request.model,
    dataset: request.dataset,
    app: { version: APP_VERSION },
    backend: request.backend,
    batchSize: request.batchSize,
    started: now(),
    finished: null,
    attempts: [],
  }
}

/** Keeps what an earlier attempt of the same shard recorded, or explains why the folder cannot be used. */
export async function adoptFolder(out: string, record: ShardRecord, force: boolean): Promise<boolean> {
  const earlier = await readShardRecord(out)
  if (!earlier) {
    if (existsSync(out) && readdirSync(out).some((name) => name !== SHARD_LOCK) && !force) {
      throw new Error(`${out} holds files but no shard.json. Give each shard its own empty folder, or confirm with --force`)
    }
    return false
  }
  const diff = identityDifference(earlier, record)
  const otherShard = earlier.shard.index !== record.shard.index
  if (diff || otherShard) {
    if (!force) {
      const why = diff
        ? `its ${diff.field} is ${diff.a}, this run's is ${diff.b}`
        : `it is shard ${earlier.shard.index}/${earlier.shard.count}`
      throw new Error(`${out} holds a shard of another job (${why}). Use a new folder, or start this shard over with --force`)
    }
    await clearBatches(out)
    return false
  }
  record.started = earlier.started
  record.argv = earlier.argv
  record.attempts = earlier.attempts
  return true
}

/**
 * Runs this process's shard of a batch job into its folder: finds its block of the whole
 * selection, resumes from the batches an earlier attempt finished, and saves every batch's results
 * as one atomic folder, so a killed shard loses at most the batch it was running.
 */
export async function runShard<R>(request: ShardRequest<R>): Promise<ShardOutcome> {
  if (existsSync(request.out) && !statSync(request.out).isDirectory())
    throw new Error(`${request.out} is a file. Give the shard a folder of its own with --out`)
  const lock = await lockShardFolder(request.out, request.shard)
  try {
    return await runLockedShard(request)
  } finally {
    await lock.release()
  }
}

async function runLockedShard<R>(request: ShardRequest<R>): Promise<ShardOutcome> {
  const all = request.selected
  const record = describeRun(request)
  const resuming = await adoptFolder(request.out, record, request.force)
  await removePartialBatches(request.out)
  const damaged = resuming ? await removeDamagedBatches(request.out) : []
  const { start, end } = record.shard
  const done = resuming ? (await listBatches(request.out)).filter((b) => b.start >= start && b.end <= end) : []
  const todo = planBatches(start, end, request.batchSize, done)
  const attempt: ShardAttempt = { started: now(), finished: null, batchesRun: 0, batchesResumed: done.length }
  record.attempts.push(attempt)
  await writeShardRecord(request.out, record)

  const total = end - start
  let finished = done.reduce((s, b) => s + b.end - b.start, 0)
  const report = (extra: number, phase?: string) => request.onProgress?.({ done: Math.round(finished + extra), total, phase })
  report(0, done.length ? `resumed: ${done.length} batch(es) on disk` : undefined)
  for (const range of todo) {
    const size = range.end - range.start
    await commitBatch(request.out, range, (dir) =>
      request.runBatch(all.subarray(range.start, range.end), dir, (p) =>
        report(p.total > 0 ? (Math.min(p.done, p.total) / p.total) * size : 0, p.phase),
      ),
    )
    finished += size
    attempt.batchesRun += 1
  }
  attempt.finished = record.finished = now()
  await writeShardRecord(request.out, record)
  return { record, samples: total, batchesRun: attempt.batchesRun, batchesResumed: attempt.batchesResumed, batchesDamaged: damaged.length }
}
