import type { StoredBatch } from '../journal'
import type { LoadedShard } from '../load-shards'
import type { ShardRecord } from '../shard-record'

export interface MergeContext {
  /** Folder for the merged outputs (the unsharded command's --out). */
  out: string
  force: boolean
  /** The record of shard 0, which every shard agrees with on the run's identity. */
  record: ShardRecord
  shards: LoadedShard[]
}

/**
 * What `hfc-lab merge` does for one command: put its batches together, in selection order, into
 * the outputs the unsharded command writes, and print what the unsharded command prints.
 */
export interface CommandOutputs<R, M = R> {
  merge(batches: StoredBatch<R>[], context: MergeContext): Promise<M>
  print(result: M, options: { json: boolean; out: string; record: ShardRecord }): void
}
