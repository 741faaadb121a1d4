import * as tf from '@tensorflow/tfjs-core'
import type { Dataset } from '../data/dataset'
import type { Classifier } from '../models/classifier'
import { silentContext, throwIfCancelled, type JobContext } from '../base/job-context'
import { LabError } from '../base/errors'
import { predictLabels } from '../scoring'

/** Images to score: a data set (optionally a subset of it) or tensors already in memory. */
export type AccuracySource = { dataset: Dataset; indices?: ArrayLike<number> } | { images: tf.Tensor4D; labels: ArrayLike<number> }

export interface ClassAccuracy {
  index: number
  name: string
  count: number
  correct: number
  /** NaN when the class has no samples. */
  accuracy: number
}

export interface AccuracyReport {
  total: number
  correct: number
  accuracy: number
  perClass: ClassAccuracy[]
  /** confusion[trueClass][predictedClass] = number of samples. */
  confusion: number[][]
  predictions: Int32Array
  labels: Int32Array
}

export interface AccuracyOptions {
  batchSize?: number
}

async function predictAll(
  model: Classifier,
  source: AccuracySource,
  batchSize: number,
  ctx: JobContext,
): Promise<{ predictions: Int32Array; labels: Int32Array }> {
  if ('images' in source) {
    const n = source.images.shape[0]
    if (source.labels.length !== n)
      throw new LabError('ACCURACY_LABELS', `${n} images but ${source.labels.length} labels: pass one label per image.`)
    const predictions = new Int32Array(n)
    for (let start = 0; start < n; start += batchSize) {
      throwIfCancelled(ctx.signal)
      const size = Math.min(batchSize, n - start)
      const chunk = tf.slice(source.images, [start, 0, 0, 0], [size, -1, -1, -1])
      predictions.set(await predictLabels(model, chunk, batchSize), start)
      chunk.dispose()
      ctx.progress(start + size, n, 'accuracy')
    }
    return { predictions, labels: Int32Array.from(source.labels) }
  }
  const { dataset } = source
  const allLabels = dataset.labels()
  const indices = source.indices ? Int32Array.from(source.indices) : Int32Array.from({ length: dataset.info.count }, (_, i) => i)
  const [h, w, c] = dataset.info.shape
  const predictions = new Int32Array(indices.length)
  for (let start = 0; start < indices.length; start += batchSize) {
    throwIfCancelled(ctx.signal)
    const batch = indices.subarray(start, start + batchSize)
    const images = tf.tensor4d(await dataset.read(batch), [batch.length, h, w, c])
    predictions.set(await predictLabels(model, images, batchSize), start)
    images.dispose()
    ctx.progress(start + batch.length, indices.length, 'accuracy')
  }
  return { predictions, labels: Int32Array.from(indices, (i) => allLabels[i]) }
}

/** Top-1 accuracy with per-class accuracy and the confusion matrix, batched and cancellable. */
export async function accuracy(
  model: Classifier,
  source: AccuracySource,
  options: AccuracyOptions = {},
  ctx: JobContext = silentContext(),
): Promise<AccuracyReport> {
  const batchSize = options.batchSize ?? 256
  const { predictions, labels } = await predictAll(model, source, batchSize, ctx)
  const names = model.info.classes
  let classes = names.length
  for (let i = 0; i < labels.length; i++) classes = Math.max(classes, labels[i] + 1, predictions[i] + 1)
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  let correct = 0
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]][predictions[i]] += 1
    if (labels[i] === predictions[i]) correct += 1
  }
  const perClass = confusion.map((row, index) => {
    const count = row.reduce((a, b) => a + b, 0)
    return { index, name: names[index] ?? String(index), count, correct: row[index], accuracy: count > 0 ? row[index] / count : NaN }
  })
  const total = labels.length
  return { total, correct, accuracy: total > 0 ? correct / total : NaN, perClass, confusion, predictions, labels }
}
