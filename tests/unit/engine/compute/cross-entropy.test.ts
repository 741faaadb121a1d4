import * as tf from '@tensorflow/tfjs-core'
// tfjs-core's Node bundle registers no op gradients; tfjs-layers' does.
import '@tensorflow/tfjs-layers'
import { expect, it } from 'vitest'
import { crossEntropyGradient, crossEntropySeed } from '../../../../src-main/engine/compute/cross-entropy'
import type { Classifier } from '../../../../src-main/engine/models/classifier'
import { linearClassifier } from '../attacks/linear-classifier'

/**
 * A confident two-class linear model, z = [u·x, w·x + b] with label 0 and z₀ − z₁ = 20: in float32
 * p₀ = 1 − 2e-9 rounds to 1, so softmax − onehot written naively is [0, p₁] and its gradient p₁·w
 * points the wrong way; the exact gradient is p₁·(w − u).
 */
const U = Float32Array.from({ length: 16 }, (_, k) => (k % 3) - 1)
const W = Float32Array.from({ length: 16 }, (_, k) => ((k * 7) % 5) / 4 - 0.5)
const GAP = 20

function model(): Classifier {
  const b = -GAP + U.reduce((s, u, k) => s + (u - W[k]) * 0.5, 0)
  return linearClassifier('confident linear', [U, W], [0, b])
}

it('softmax − onehot keeps the true class entry for confident predictions: −Σ of the others, not 0', () => {
  const seed = tf.tidy(() => crossEntropySeed(tf.tensor2d([[GAP, 0]]), tf.tensor1d([0], 'int32')).dataSync())
  const p1 = 1 / (1 + Math.exp(GAP))
  expect(seed[1]).toBeCloseTo(p1, 15)
  expect(seed[0]).toBeCloseTo(-p1, 15)
  expect(seed[0]).not.toBe(0)
})

it('the cross-entropy gradient of a confident prediction is p₁·(w − u), in direction and size', () => {
  const x = tf.fill([1, 4, 4, 1], 0.5) as tf.Tensor4D
  const grad = tf.tidy(() => crossEntropyGradient(model(), x, tf.tensor1d([0], 'int32')).dataSync())
  const p1 = 1 / (1 + Math.exp(GAP))
  for (let k = 0; k < 16; k++) {
    const exact = p1 * (W[k] - U[k])
    expect(Math.sign(grad[k])).toBe(Math.sign(exact))
    expect(Math.abs(grad[k] - exact)).toBeLessThan(1e-4 * p1)
  }
  x.dispose()
})
