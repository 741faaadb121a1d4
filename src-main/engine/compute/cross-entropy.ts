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
 * dCE/dz = softmax(z) − onehot(y), written so that it stays exact for confident predictions: the
 * true class's entry is −Σ_{j≠y} p_j rather than p_y − 1, which float32 rounds to 0 once
 * p_y > 1 − 6e-8 and then leaves a gradient whose direction each engine rounds differently
 * (docs/algorithms.md §attacks). The same seed starts onnxruntime's gradient graph.
 */
export function crossEntropySeed(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32')
    const others = tf.mul(tf.softmax(logits), tf.sub(1, oneHot))
    return tf.sub(others, tf.mul(oneHot, tf.sum(others, 1, true))) as tf.Tensor2D
  })
}

/**
 * ∇ₓ of the summed cross-entropy: since each sample's loss depends only on its own image,
 * one backward pass gives every sample's own gradient. The logits' gradient is crossEntropySeed.
 */
export function crossEntropyGradient(model: Classifier, images: tf.Tensor4D, labels: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => {
    // customGrad passes its inputs and then the save function in one rest parameter.
    const summed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const logits = args[0] as tf.Tensor2D
      ;(args[1] as tf.GradSaveFunc)([logits])
      return {
        value: tf.sum(crossEntropyPerSample(logits, labels)),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
          tf.mul(dy as tf.Tensor, crossEntropySeed(saved[0] as tf.Tensor2D, labels)),
      }
    })
    return tf.grad((x: tf.Tensor) => summed(model.logits(x as tf.Tensor4D)))(images) as tf.Tensor4D
  })
}
