import * as tf from '@tensorflow/tfjs-core'
import { silentContext, throwIfCancelled, type JobContext } from '../base/job-context'
import type { Classifier } from './classifier'
import { gatherImages, imageCount, type LabelledImages } from './labelled-images'

/** Top-1 accuracy of a classifier on images in [0, 1] (the classifier converts to its own range). */
export async function evaluateAccuracy(
  classifier: Classifier,
  data: LabelledImages,
  batchSize = 500,
  ctx: JobContext = silentContext(),
): Promise<{ correct: number; total: number; accuracy: number }> {
  const total = imageCount(data)
  let correct = 0
  for (let start = 0; start < total; start += batchSize) {
    throwIfCancelled(ctx.signal)
    const indices = Array.from({ length: Math.min(batchSize, total - start) }, (_, i) => start + i)
    const predicted = tf.tidy(() => tf.argMax(classifier.logits(gatherImages(data, indices)), 1))
    const values = await predicted.data()
    predicted.dispose()
    for (let i = 0; i < values.length; i++) if (values[i] === data.labels[start + i]) correct++
    ctx.progress(start + indices.length, total, 'evaluate')
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { correct, total, accuracy: total === 0 ? 0 : correct / total }
}
