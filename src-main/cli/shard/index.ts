/**
 * Sharded batch jobs for schedulers (Kubernetes Indexed Jobs, Slurm job arrays): `--shard I/N`
 * runs one contiguous block of a command's selection into its own folder, batch by batch and
 * resumable, with shard.json; `hfc-lab merge` checks the shards and writes the unsharded outputs.
 */
export { parseShardSpec, SHARD_HELP } from './shard-spec'
export { addShardOptions, runShardCommand, type PreparedShard, type ShardFlags } from './shard-command'
export { runShard, type ShardOutcome, type ShardRequest } from './run-shard'
export { loadShards, type LoadedRun, type LoadedShard } from './load-shards'
export { planBatches, BATCHES_DIR, type BatchRange, type StoredBatch } from './journal'
export { SHARD_JSON, type SelectionOptions, type ShardCommand, type ShardRecord } from './shard-record'
export * from './jobs'
