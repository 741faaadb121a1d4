import * as tf from '@tensorflow/tfjs-core'
import { forEachChunk } from './chunks'
import { halfDiagonal } from './mask'
import { basisFactors } from './matrix-cache'
import { assertPixelBatch, type PixelBatch } from './pixel-batch'
import { realFourierBasis } from './real-basis'

/** Sum over images and channels of the squared real-basis coefficients, as [w, h] (column frequency first). */
function coefficientEnergy(images: tf.Tensor4D): Float32Array {
  const [, h, w] = images.shape
  const rows = basisFactors(h, h)
  const cols = basisFactors(w, w)
  let total = tf.zeros([w, h])
  forEachChunk(images, (chunk) => {
    const next = tf.tidy(() => {
      const [n, , , c] = chunk.shape
      const b = n * c
      const planes = tf.reshape(tf.transpose(chunk, [0, 3, 1, 2]), [b * h, w])
      const turned = tf.transpose(tf.reshape(tf.matMul(planes, cols.analysis), [b, h, w]), [0, 2, 1])
      const coefficients = tf.reshape(tf.matMul(tf.reshape(turned, [b * w, h]), rows.analysis), [b, w, h])
      return tf.add(total, tf.sum(tf.square(coefficients), 0))
    })
    total.dispose()
    total = next
  })
  const values = total.dataSync() as Float32Array
  total.dispose()
  return values
}

/**
 * Radial energy profile (docs/algorithms.md §Beyond the paper): E(rho) = sum over bins with floor(d) = rho of |F(x)|^2, d the
 * centroid distance, summed over channels and averaged over images, then normalised to sum 1
 * (averaging before normalising, so images with no energy, like failed attacks' zero
 * perturbations, do not break it). Length floor(halfDiagonal(h, w)) + 1; all zeros if the input has no energy.
 * The real-basis coefficients carry the same energy per (|fy|, |fx|) class as the complex bins.
 */
export function radialEnergyProfile(images: tf.Tensor4D | PixelBatch): Float64Array {
  let energy: Float32Array
  let h: number
  let w: number
  if (images instanceof tf.Tensor) {
    if (images.rank !== 4) throw new RangeError(`expected NHWC images (rank 4), got shape [${images.shape.join(', ')}]`)
    ;[, h, w] = images.shape
    energy = coefficientEnergy(images)
  } else {
    assertPixelBatch(images)
    ;[, h, w] = images.shape
    const tensor = tf.tensor4d(images.data instanceof Float32Array ? images.data : Float32Array.from(images.data), [...images.shape])
    energy = coefficientEnergy(tensor)
    tensor.dispose()
  }
  const profile = new Float64Array(Math.floor(halfDiagonal(h, w)) + 1)
  const fy = realFourierBasis(h).frequency
  const fx = realFourierBasis(w).frequency
  for (let j = 0; j < w; j++) {
    for (let i = 0; i < h; i++) profile[Math.floor(Math.sqrt(fy[i] * fy[i] + fx[j] * fx[j]))] += energy[j * h + i]
  }
  const sum = profile.reduce((a, v) => a + v, 0)
  if (sum > 0) for (let k = 0; k < profile.length; k++) profile[k] /= sum
  return profile
}
