/**
 * Sharded batch jobs for schedulers (Kubernetes Indexed Jobs, Slurm job arrays): one contiguous
 * block of a job's selection run into its own folder, batch by batch and resumable, with
 * shard.json; the merge checks the shards of one run and writes the unsharded outputs. Also the
 * files each batch command writes with --out.
 */
export { runShard, type ShardRequest } from './run-shard'
export { mergeShards } from './merge-shards'
export { loadShardRecords } from './load-shards'
export { listBatches } from './journal'
export {
  writeAttackOutputs,
  writeCurveOutputs,
  writeEvaluation,
  writeFigure1,
  writeGradients,
  writeHeatmapOutputs,
  writeKernelOutputs,
} from './outputs'
