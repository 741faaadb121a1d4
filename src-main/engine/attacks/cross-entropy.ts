import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'

/** Softmax cross-entropy of every row of `logits` against its integer label. */
export function crossEntropyPerSample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(labels, logits.shape[1])
    return tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, oneHot), 1)) as tf.Tensor1D
  })
}

/**
 * ∇ₓ of the summed cross-entropy: since each sample's loss depends only on its own image,
 * one backward pass gives every sample's own gradient.
 */
export function crossEntropyGradient(model: Classifier, images: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(crossEntropyPerSample(model.logits(x as tf.Tensor4D), labels)))(images) as tf.Tensor4D)
}
