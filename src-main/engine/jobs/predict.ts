import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'

export interface Predictions {
  labels: Int32Array
  confidences: Float32Array
}

/** Top-1 class and its softmax probability for every image of a batch. */
export async function predictBatch(model: Classifier, images: tf.Tensor4D): Promise<Predictions> {
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
