import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { batchLogits } from '../scoring'
import { MARGIN_TAU } from '../../protocol/attacks'

export { MARGIN_TAU }

// The success rule of every attack (docs/algorithms.md §attacks): an image is adversarial only
// when its logit margin z_y − max_{j≠y} z_j is below −MARGIN_TAU (defined with the wire types, as
// the UI states it). The same model's logits differ between engines (TF.js wasm/cpu, onnxruntime,
// PyTorch) by about 1e-5 on the default models; an image that an attack leaves nearer a tie than
// that could be scored correct by another engine.

/** z_y − max_{j≠y} z_j per row of row-major logits [n, classes]; negative = misclassified. */
export function logitMargins(logits: ArrayLike<number>, labels: ArrayLike<number>): Float32Array {
  const n = labels.length
  const k = logits.length / Math.max(n, 1)
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const y = labels[i]
    let best = -Infinity
    for (let j = 0; j < k; j++) if (j !== y && logits[i * k + j] > best) best = logits[i * k + j]
    out[i] = logits[i * k + y] - best
  }
  return out
}

/** 1 where a margin passes the success rule. NaN margins (a broken model) never do. */
export function passesMargin(margins: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(margins as ArrayLike<number>, (m) => (m < -MARGIN_TAU ? 1 : 0))
}

export interface Verdict {
  /** 1 where the image is adversarial under the margin rule. */
  fooled: Uint8Array
  margin: Float32Array
}

/** Scores a batch (in chunks of `batchSize`) under the success rule, on the model's forward engine. */
export async function verdict(model: Classifier, images: tf.Tensor4D, labels: ArrayLike<number>, batchSize = 256): Promise<Verdict> {
  const n = images.shape[0]
  const margin = new Float32Array(n)
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start)
    const chunk = size === n ? images : (tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]) as tf.Tensor4D)
    margin.set(
      logitMargins(
        await batchLogits(model, chunk),
        Array.from({ length: size }, (_, i) => labels[start + i]),
      ),
      start,
    )
    if (chunk !== images) chunk.dispose()
  }
  return { fooled: passesMargin(margin), margin }
}

/** 1 where the image is adversarial under the margin rule: the success test of every attack loop. */
export async function isAdversarial(model: Classifier, images: tf.Tensor4D, labels: ArrayLike<number>): Promise<Uint8Array> {
  return (await verdict(model, images, labels)).fooled
}
