import * as tf from '@tensorflow/tfjs-core'
import { accuracyWarning, describePreprocessing, preprocessingAssumed, type Evaluation } from '../../protocol/models'
import type { JobContext } from '../base/job-context'
import type { Dataset } from '../data/dataset'
import { argMaxRows, batchLogits } from '../scoring'
import type { Classifier } from '../models/classifier'
import { forEachBatch } from './batches'
import { evaluationFromConfusion } from './shard-merge'

/** Images per forward pass when only predictions are needed. */
const PREDICT_BATCH = 256

export interface Predictions {
  labels: Int32Array
  confidences: Float32Array
}

/** Top-1 class and its softmax probability for every image of a batch (on onnxruntime when chosen). */
export async function predictBatch(model: Classifier, images: tf.Tensor4D): Promise<Predictions> {
  const n = images.shape[0]
  const logits = await batchLogits(model, images)
  const labels = argMaxRows(logits, n)
  const k = logits.length / Math.max(n, 1)
  const confidences = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const top = logits[i * k + labels[i]]
    let sum = 0
    for (let j = 0; j < k; j++) sum += Math.exp(logits[i * k + j] - top)
    confidences[i] = 1 / sum
  }
  return { labels, confidences }
}

/** Top-1 class and confidence of every selected image, read and predicted batch by batch. */
export async function predictSelection(model: Classifier, dataset: Dataset, indices: Int32Array, ctx: JobContext): Promise<Predictions> {
  const labels = new Int32Array(indices.length)
  const confidences = new Float32Array(indices.length)
  await forEachBatch(dataset, indices, PREDICT_BATCH, ctx, 'predict', async (batch) => {
    const p = await predictBatch(model, batch.images)
    labels.set(p.labels, batch.offset)
    confidences.set(p.confidences, batch.offset)
  })
  return { labels, confidences }
}

/** Clean accuracy, per-class accuracy and the confusion matrix (true class × predicted class) of a selection. */
export async function evaluateSelection(
  model: Classifier,
  dataset: Dataset,
  indices: Int32Array,
  defense: string,
  ctx: JobContext,
): Promise<Evaluation> {
  const k = Math.max(dataset.info.classes.length, model.info.classes.length)
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  await forEachBatch(dataset, indices, PREDICT_BATCH, ctx, 'accuracy', async ({ labels, images }) => {
    const predicted = (await predictBatch(model, images)).labels
    labels.forEach((y, i) => confusion[y][predicted[i]]++)
  })
  const evaluation = evaluationFromConfusion(confusion, dataset.info.classes, defense)
  // What the model ran with, and a warning when the accuracy points at the wrong preprocessing.
  const assumed = preprocessingAssumed(model.info.inputRangeSource, model.info.preprocessing)
  const warning = accuracyWarning(evaluation.accuracy, evaluation.n, model.info.classes.length, assumed)
  return {
    ...evaluation,
    preprocessing: describePreprocessing(model.info.inputRange, model.info.preprocessing),
    preprocessingAssumed: assumed,
    ...(warning ? { warning } : {}),
  }
}
