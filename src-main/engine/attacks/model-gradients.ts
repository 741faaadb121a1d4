import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { engineOf } from '../compute/forward'
import type { BatchScorer } from '../onnx'
import { crossEntropyGradient } from '../compute/cross-entropy'

/** The logits of a batch and the gradient of a loss that reaches the image through them. */
export interface LogitsGradient {
  logits: tf.Tensor2D
  grad: tf.Tensor4D
}

/** Weights of the logits: fixed, or computed from the logits themselves (and then held constant). */
export type LogitWeights = tf.Tensor2D | ((logits: tf.Tensor2D) => tf.Tensor2D)

/**
 * The input gradients every gradient attack needs, from whichever engine differentiates this
 * model: TF.js autodiff, or onnxruntime's gradient graphs when the engine chose onnxruntime for
 * gradient jobs. Every loss an attack uses reaches the image through the logits, so two
 * primitives cover them all.
 */
export interface ModelGradients {
  readonly engine: 'tfjs' | 'onnxruntime'
  /** ∇ₓ Σᵢ CE(zᵢ(x), yᵢ). */
  crossEntropy(images: tf.Tensor4D, labels: tf.Tensor1D): Promise<tf.Tensor4D>
  /** z(x) and ∇ₓ Σᵢ ⟨wᵢ, zᵢ(x)⟩ (DeepFool's ±1 class masks, C&W's margin derivative). */
  weightedLogits(images: tf.Tensor4D, weights: LogitWeights): Promise<LogitsGradient>
}

function tfjsGradients(model: Classifier): ModelGradients {
  return {
    engine: 'tfjs',
    crossEntropy: async (images, labels) => crossEntropyGradient(model, images, labels),
    weightedLogits: async (images, weights) => {
      let logits: tf.Tensor2D | undefined
      const grad = tf.tidy(() =>
        tf.grad((x: tf.Tensor) => {
          const z = model.logits(x as tf.Tensor4D)
          if (typeof weights !== 'function') {
            logits = tf.keep(z.clone())
            return tf.sum(tf.mul(z, weights))
          }
          // TF.js has no stop-gradient: weights computed from the logits are computed from a
          // copy made outside the tape, so that they stay constants.
          logits = tf.keep(tf.tensor2d(z.dataSync() as Float32Array, z.shape))
          return tf.sum(tf.mul(z, weights(logits)))
        })(images),
      ) as tf.Tensor4D
      return { logits: logits as tf.Tensor2D, grad }
    },
  }
}

function ortGradients(scorer: BatchScorer): ModelGradients {
  return {
    engine: 'onnxruntime',
    crossEntropy: async (images, labels) => {
      const out = await scorer.inputGradient((await images.data()) as Float32Array, (await labels.data()) as Int32Array)
      return tf.tensor4d(out.grad, images.shape)
    },
    weightedLogits: async (images, weights) => {
      const pixels = (await images.data()) as Float32Array
      const n = images.shape[0]
      let fixed: tf.Tensor2D
      let firstLogits: tf.Tensor2D | undefined
      if (typeof weights === 'function') {
        const scores = await scorer.scoreBatch(pixels, n)
        firstLogits = tf.tensor2d(scores, [n, scores.length / n])
        fixed = weights(firstLogits)
      } else fixed = weights
      const out = await scorer.vectorJacobian(pixels, n, (await fixed.data()) as Float32Array)
      if (fixed !== weights) fixed.dispose()
      const logits = firstLogits ?? tf.tensor2d(out.logits, [n, out.logits.length / n])
      return { logits, grad: tf.tensor4d(out.grad, images.shape) }
    },
  }
}

/** The gradient engine of `model` for this job. */
export function gradientsOf(model: Classifier): ModelGradients {
  const scorer = engineOf(model)?.gradientScorer
  return scorer ? ortGradients(scorer) : tfjsGradients(model)
}
