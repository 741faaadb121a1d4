import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../../../../src-main/engine/models/classifier'

/**
 * A two-class linear model on 4×4×1 images, logit c = weights[c]·x + biases[c]: its gradients and
 * decision boundary are known in closed form, so an attack's exact path can be checked in float64.
 */
export function linearClassifier(name: string, weights: [Float32Array, Float32Array], biases: [number, number]): Classifier {
  return {
    info: {
      name,
      format: 'tfjs-layers',
      source: 'test',
      inputShape: [4, 4, 1],
      inputRange: [0, 1],
      classes: ['0', '1'],
      layers: [],
      totalParams: 34,
      gradients: true,
      sha256: '',
      variant: '',
    },
    logits: (images) =>
      tf.tidy(() => {
        const flat = tf.reshape(images, [images.shape[0], 16])
        const w = Float32Array.from({ length: 32 }, (_, i) => weights[i % 2][i >> 1])
        return tf.add(tf.matMul(flat, tf.tensor2d(w, [16, 2])), tf.tensor1d(biases)) as tf.Tensor2D
      }),
  }
}
