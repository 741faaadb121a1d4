/**
 * Sharded batch jobs for schedulers (Kubernetes Indexed Jobs, Slurm job arrays): `--shard I/N`
 * has the engine run one contiguous block of a command's selection into its own folder, batch by
 * batch and resumable, with shard.json; `hfc-lab merge` has the engine check the shards and write
 * the unsharded outputs. This folder parses the flags and prints what the commands print.
 */
export { parseShardSpec, SHARD_HELP } from './shard-spec'
export { addShardOptions, runShardCommand, type PreparedShard, type ShardFlags } from './shard-command'
export { saveResults } from './save-results'
export type { GalleryRunOptions, SelectionOptions, ShardCommand, ShardOutcome, ShardRecord } from '../../protocol/shards'
export * from './jobs'
