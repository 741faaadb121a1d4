import type { Dataset } from '../data/dataset'
import type { JobContext } from '../base/job-context'
import { forEachBatch } from '../jobs/batches'
import { predictBatch } from '../jobs/predict'
import type { Classifier } from '../models/classifier'

/**
 * The gallery's "misclassified" selection: the candidates (in their order) whose clean top-1
 * prediction differs from the label, for showing what attacks do to samples the model already gets wrong.
 */
export async function misclassifiedIndices(
  model: Classifier,
  dataset: Dataset,
  candidates: Int32Array,
  ctx: JobContext,
  batchSize = 256,
): Promise<Int32Array> {
  const picked: number[] = []
  await forEachBatch(dataset, candidates, batchSize, ctx, 'find misclassified', async ({ indices, labels, images }) => {
    const { labels: predicted } = await predictBatch(model, images)
    for (let k = 0; k < indices.length; k++) if (predicted[k] !== labels[k]) picked.push(indices[k])
  })
  return Int32Array.from(picked)
}
