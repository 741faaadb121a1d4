import { join } from 'node:path'
import type { AttackRun, CurveRun } from '../../protocol/attacks'
import type { GallerySummary } from '../../protocol/gallery'
import { mergeHeatmaps, type FourierHeatmap } from '../../protocol/heatmap'
import type { Evaluation, GradientMaps } from '../../protocol/models'
import type { MergedResult, ShardCommand, ShardRecord } from '../../protocol/shards'
import type { Figure1Result } from '../../protocol/spectral'
import { mergeAttackRun, mergeCurveRun, mergeEvaluate, mergeFigure1, mergeGradients } from '../jobs/shard-merge'
import { mergeGallery } from './gallery-merge'
import type { StoredBatch } from './journal'
import { loadBatches, type LoadedShard } from './load-shards'
import type { MergeContext } from './merge-context'
import { writeAttackOutputs, writeCurveOutputs, writeEvaluation, writeFigure1, writeGradients, writeHeatmapOutputs } from './outputs'

/** One command's batches, in selection order, into the result and the files of the unsharded command. */
async function mergeCommand(batches: StoredBatch<unknown>[], context: MergeContext, command: ShardCommand): Promise<MergedResult> {
  const { out, force, record } = context
  const results = <R>() => batches.map((b) => b.result as R)
  switch (command) {
    case 'attack': {
      const result = mergeAttackRun(results<AttackRun>())
      await writeAttackOutputs(result, out, force, {
        model: record.model.spec,
        data: record.dataset.spec,
        seed: record.selection.seed ?? 0,
        preprocessing: record.model.preprocessing,
      })
      return { command: 'attack', result }
    }
    case 'curve': {
      const result = mergeCurveRun(results<CurveRun>())
      await writeCurveOutputs(result, String(record.run.norm), out, force)
      return { command: 'curve', result }
    }
    case 'eval': {
      const result = mergeEvaluate(results<Evaluation>())
      await writeEvaluation(result, out, force)
      return { command: 'eval', result }
    }
    case 'figure1': {
      const result = mergeFigure1(results<Figure1Result>())
      await writeFigure1(result, out, force)
      return { command: 'figure1', result }
    }
    case 'gallery':
      return { command: 'gallery', result: await mergeGallery(batches as StoredBatch<GallerySummary>[], context) }
    case 'grad': {
      const result = mergeGradients(results<GradientMaps>())
      await writeGradients(result, join(out, 'gradients.npy'), force)
      return { command: 'grad', result }
    }
    case 'heatmap': {
      const result = mergeHeatmaps(results<FourierHeatmap>())
      await writeHeatmapOutputs(result, out, force)
      return { command: 'heatmap', result }
    }
  }
}

/**
 * `hfc-lab merge` of batch-job shards (checked by loadShardRecords to belong together): checks
 * that their batches cover the selection exactly once, and writes the unsharded command's outputs
 * from them.
 */
export async function mergeShards(
  shards: LoadedShard[],
  command: ShardCommand,
  out: string,
  force: boolean,
): Promise<{ record: ShardRecord; backends: string[]; merged: MergedResult }> {
  const record = shards[0].record
  const backends = [...new Set(shards.map((s) => s.record.backend))]
  const batches = await loadBatches<unknown>(shards)
  if (!batches.length) throw new Error('The shards hold no samples (the selection is empty): nothing to merge')
  const merged = await mergeCommand(batches, { out, force, record, shards }, command)
  return { record, backends, merged }
}
