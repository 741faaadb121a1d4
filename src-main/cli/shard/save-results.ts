import type { EngineHost } from '../../engine/runtime/host'
import type { CallOptions } from '../../protocol/lab-api'
import type { BatchJob, BatchResults, SaveMethod } from '../../protocol/shards'

/** Where `results.save` writes: a folder (--out), or one .npy file for gradients. */
export type SaveTarget = { out: string; force: boolean; meta?: Record<string, unknown> } | { file: string; force: boolean }

/**
 * Runs a batch job in the engine, which writes the files of the command's --out; the job's result.
 * Without a target the job just runs.
 */
export async function saveResults<M extends SaveMethod>(
  host: EngineHost,
  job: BatchJob<M>,
  target: SaveTarget | undefined,
  options: CallOptions,
): Promise<BatchResults[M]> {
  if (!target) return (await host.call(job.method, job.params, options)) as BatchResults[M]
  const saved = await host.call('results.save', { job: job as BatchJob<SaveMethod>, ...target }, options)
  return saved.result as BatchResults[M]
}
