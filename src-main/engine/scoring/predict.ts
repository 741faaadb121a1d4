import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { engineOf } from '../compute/forward'

/** Index of the largest value of each of the n rows (the first one on ties, as tf.argMax). */
export function argMaxRows(logits: Float32Array, n: number): Int32Array {
  const k = logits.length / n
  const out = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let top = 0
    for (let j = 1; j < k; j++) if (logits[i * k + j] > logits[i * k + top]) top = j
    out[i] = top
  }
  return out
}

/** Logits [n, classes] of a batch, row-major; on onnxruntime when that engine runs this model's forward passes. */
export async function batchLogits(model: Classifier, images: tf.Tensor4D): Promise<Float32Array> {
  const scorer = engineOf(model)?.forwardScorer
  if (scorer) return scorer.scoreBatch((await images.data()) as Float32Array, images.shape[0])
  const logits = tf.tidy(() => model.logits(images))
  const out = (await logits.data()) as Float32Array
  logits.dispose()
  return out
}

/**
 * Top-1 class of every image, evaluated in chunks of `batchSize` so large stacks fit; on
 * onnxruntime when that engine runs this model's forward passes.
 */
export async function predictLabels(model: Classifier, images: tf.Tensor4D, batchSize = 256): Promise<Int32Array> {
  const n = images.shape[0]
  const out = new Int32Array(n)
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start)
    const chunk = size === n ? images : (tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D)
    out.set(argMaxRows(await batchLogits(model, chunk), size), start)
    if (chunk !== images) chunk.dispose()
  }
  return out
}
