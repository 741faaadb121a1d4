import * as tf from '@tensorflow/tfjs-core'
import { forEachChunk } from './chunks'
import { halfDiagonal } from './mask'
import { basisFactors } from './matrix-cache'
import { assertPixelBatch, type PixelBatch } from './pixel-batch'
import { realFourierBasis } from './real-basis'

/** The squared real-basis coefficients of every plane of a chunk, as [n * c, w, h] (column frequency first). */
function squaredCoefficients(chunk: tf.Tensor4D): tf.Tensor3D {
  const [n, h, w, c] = chunk.shape
  const b = n * c
  const planes = tf.reshape(tf.transpose(chunk, [0, 3, 1, 2]), [b * h, w])
  const turned = tf.transpose(tf.reshape(tf.matMul(planes, basisFactors(w, w).analysis), [b, h, w]), [0, 2, 1])
  return tf.square(tf.reshape(tf.matMul(tf.reshape(turned, [b * w, h]), basisFactors(h, h).analysis), [b, w, h]))
}

/** Sum over images and channels of the squared real-basis coefficients, as [w, h] (column frequency first). */
function coefficientEnergy(images: tf.Tensor4D): Float32Array {
  const [, h, w] = images.shape
  let total = tf.zeros([w, h])
  forEachChunk(images, (chunk) => {
    const next = tf.tidy(() => tf.add(total, tf.sum(squaredCoefficients(chunk), 0)))
    total.dispose()
    total = next
  })
  const values = total.dataSync() as Float32Array
  total.dispose()
  return values
}

/** Per image, the sum over channels of the squared real-basis coefficients: n blocks of [w, h]. */
function coefficientEnergyPerImage(images: tf.Tensor4D): Float32Array {
  const [n, h, w, c] = images.shape
  const out = new Float32Array(n * w * h)
  let offset = 0
  forEachChunk(images, (chunk) => {
    const perImage = tf.tidy(() => tf.sum(tf.reshape(squaredCoefficients(chunk), [chunk.shape[0], c, w, h]), 1))
    const values = perImage.dataSync() as Float32Array
    perImage.dispose()
    out.set(values, offset)
    offset += values.length
  })
  return out
}

/** Bins one [w, h] energy block by floor of the centroid distance and normalises it to sum 1 (all zeros without energy). */
function binByRadius(energy: Float32Array, h: number, w: number): Float64Array {
  const profile = new Float64Array(radialBins(h, w))
  const fy = realFourierBasis(h).frequency
  const fx = realFourierBasis(w).frequency
  for (let j = 0; j < w; j++) {
    for (let i = 0; i < h; i++) profile[Math.floor(Math.sqrt(fy[i] * fy[i] + fx[j] * fx[j]))] += energy[j * h + i]
  }
  const sum = profile.reduce((a, v) => a + v, 0)
  if (sum > 0) for (let k = 0; k < profile.length; k++) profile[k] /= sum
  return profile
}

/** The rank-4 tensor of a batch given as a tensor or as pixels, and whether the caller must dispose it. */
function asTensor(images: tf.Tensor4D | PixelBatch): { tensor: tf.Tensor4D; owned: boolean } {
  if (images instanceof tf.Tensor) {
    if (images.rank !== 4) throw new RangeError(`expected NHWC images (rank 4), got shape [${images.shape.join(', ')}]`)
    return { tensor: images, owned: false }
  }
  assertPixelBatch(images)
  return {
    tensor: tf.tensor4d(images.data instanceof Float32Array ? images.data : Float32Array.from(images.data), [...images.shape]),
    owned: true,
  }
}

/**
 * Radial energy profile (docs/algorithms.md §Beyond the paper): E(rho) = sum over bins with floor(d) = rho of |F(x)|^2, d the
 * centroid distance, summed over channels and averaged over images, then normalised to sum 1
 * (averaging before normalising, so images with no energy, like failed attacks' zero
 * perturbations, do not break it). Length floor(halfDiagonal(h, w)) + 1; all zeros if the input has no energy.
 * The real-basis coefficients carry the same energy per (|fy|, |fx|) class as the complex bins.
 */
export function radialEnergyProfile(images: tf.Tensor4D | PixelBatch): Float64Array {
  const { tensor, owned } = asTensor(images)
  const [, h, w] = tensor.shape
  const energy = coefficientEnergy(tensor)
  if (owned) tensor.dispose()
  return binByRadius(energy, h, w)
}

/** The number of radii of a radial energy profile of h x w images: floor(halfDiagonal(h, w)) + 1. */
export function radialBins(h: number, w: number): number {
  return Math.floor(halfDiagonal(h, w)) + 1
}

/**
 * The radial energy profile of every image on its own (docs/algorithms.md §Beyond the paper), rows of
 * radialBins(h, w) values, each normalised to sum 1 (all zeros for an image without energy, such
 * as the zero perturbation of a failed attack): radialEnergyProfile of a batch of one, per image.
 */
export function radialEnergyProfiles(images: tf.Tensor4D | PixelBatch): Float32Array {
  const { tensor, owned } = asTensor(images)
  const [n, h, w] = tensor.shape
  const energy = coefficientEnergyPerImage(tensor)
  if (owned) tensor.dispose()
  const bins = radialBins(h, w)
  const out = new Float32Array(n * bins)
  for (let i = 0; i < n; i++) out.set(binByRadius(energy.subarray(i * w * h, (i + 1) * w * h), h, w), i * bins)
  return out
}
