import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'

/** Top-1 class of every image, evaluated in chunks of `batchSize` so large stacks fit. */
export async function predictLabels(model: Classifier, images: tf.Tensor4D, batchSize = 256): Promise<Int32Array> {
  const n = images.shape[0]
  const out = new Int32Array(n)
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start)
    const top = tf.tidy(() => {
      const chunk = size === n ? images : tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1])
      return tf.argMax(model.logits(chunk), 1)
    })
    out.set(await top.data(), start)
    top.dispose()
  }
  return out
}

/** 1 where the top-1 prediction differs from the label: Foolbox's Misclassification criterion. */
export async function misclassified(model: Classifier, images: tf.Tensor4D, labels: ArrayLike<number>, batchSize = 256): Promise<Uint8Array> {
  const predicted = await predictLabels(model, images, batchSize)
  const out = new Uint8Array(predicted.length)
  for (let i = 0; i < predicted.length; i++) out[i] = predicted[i] !== labels[i] ? 1 : 0
  return out
}
