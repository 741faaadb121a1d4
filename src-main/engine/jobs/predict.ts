import * as tf from '@tensorflow/tfjs-core'
import { scorerOf } from '../forward'
import type { Classifier } from '../models/classifier'

export interface Predictions {
  labels: Int32Array
  confidences: Float32Array
}

function fromLogits(logits: Float32Array, n: number): Predictions {
  const k = logits.length / n
  const labels = new Int32Array(n)
  const confidences = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const row = logits.subarray(i * k, (i + 1) * k)
    let top = 0
    for (let j = 1; j < k; j++) if (row[j] > row[top]) top = j
    let sum = 0
    for (let j = 0; j < k; j++) sum += Math.exp(row[j] - row[top])
    labels[i] = top
    confidences[i] = 1 / sum
  }
  return { labels, confidences }
}

/** Top-1 class and its softmax probability for every image of a batch (on onnxruntime when chosen). */
export async function predictBatch(model: Classifier, images: tf.Tensor4D): Promise<Predictions> {
  const scorer = scorerOf(model)
  if (scorer) return fromLogits(await scorer.scoreBatch((await images.data()) as Float32Array, images.shape[0]), images.shape[0])
  const [top, conf] = tf.tidy(() => {
    const probs = tf.softmax(model.logits(images))
    return [tf.argMax(probs, 1), tf.max(probs, 1)]
  })
  const labels = Int32Array.from(await top.data())
  const confidences = Float32Array.from(await conf.data())
  top.dispose()
  conf.dispose()
  return { labels, confidences }
}
