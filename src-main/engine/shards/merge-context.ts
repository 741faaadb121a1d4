import type { ShardRecord } from '../../protocol/shards'
import type { LoadedShard } from './load-shards'

export interface MergeContext {
  /** Folder for the merged outputs (the unsharded command's --out). */
  out: string
  force: boolean
  /** The record of shard 0, which every shard agrees with on the run's identity. */
  record: ShardRecord
  shards: LoadedShard[]
}
