import * as tf from '@tensorflow/tfjs-core'
import type { MaskOptions } from './mask-options'
import { applyFilter, filterPlan } from './separable-filter'

function assertImages(images: tf.Tensor): asserts images is tf.Tensor4D {
  if (images.rank !== 4) throw new RangeError(`expected NHWC images (rank 4), got shape [${images.shape.join(', ')}]`)
}

/**
 * D1's low pass x_l = Re F^-1(M F x) per channel of NHWC images, on any backend (wasm has no FFT).
 * Differentiable: the filter is a symmetric linear operator, so its gradient is the same filter
 * applied to dy, which also keeps the backward pass on fast plain products.
 */
export function lowPass(images: tf.Tensor4D, r: number, options?: MaskOptions): tf.Tensor4D {
  assertImages(images)
  const [, h, w] = images.shape
  const plan = filterPlan(h, w, r, options)
  const filter = tf.customGrad((...inputs) => {
    const x = inputs[0] as tf.Tensor4D
    return {
      value: applyFilter(x, plan),
      gradFunc: (dy: tf.Tensor4D) => applyFilter(dy, plan),
    }
  })
  return filter(images) as tf.Tensor4D
}

/** x - x_l with its gradient spelled out, so decompose works without the stock gradients registered. */
const subtract = tf.customGrad((...inputs) => {
  const [x, low] = inputs as [tf.Tensor4D, tf.Tensor4D]
  return { value: tf.sub(x, low) as tf.Tensor4D, gradFunc: (dy: tf.Tensor4D) => [dy, tf.neg(dy)] }
})

/** x_l with mask M and x_h = x - x_l, which is F^-1((1 - M) F x): the two always sum to x. */
export function decompose(images: tf.Tensor4D, r: number, options?: MaskOptions): { low: tf.Tensor4D; high: tf.Tensor4D } {
  const low = lowPass(images, r, options)
  return { low, high: subtract(images, low) as tf.Tensor4D }
}
