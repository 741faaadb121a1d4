import * as tf from '@tensorflow/tfjs-core'
import { argMaxRows, batchLogits } from '../scoring'
import type { Classifier } from '../models/classifier'

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
