import type { GallerySummary } from '../../protocol/gallery'
import type { CallOptions, LabApi } from '../../protocol/lab-api'
import type { BatchResults, ShardJob } from '../../protocol/shards'

/**
 * Runs one batch of a shard's job through the engine (spread over its worker pool like any
 * call): the batch's data-set indices, and for a gallery the batch folder its files go into.
 * A gallery batch keeps its exported files in its folder and the summary of all its samples.
 */
export async function runShardBatch(
  api: LabApi,
  job: ShardJob,
  ids: Int32Array,
  dir: string,
  options: CallOptions,
): Promise<BatchResults[ShardJob['method']]> {
  const indices = ids.join(',')
  if (job.method === 'gallery.export') {
    const { n, cleanCorrect, perAttack, allFooledCount, rows } = await api.call(job.method, { ...job.params, indices, out: dir }, options)
    return { n, cleanCorrect, perAttack, allFooledCount, rows } satisfies GallerySummary
  }
  return api.call(job.method, { ...job.params, indices }, options)
}
