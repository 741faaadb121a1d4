import * as tf from '@tensorflow/tfjs-core'

/** Images held in memory, float32 NHWC in [0, 1], with their class indices. */
export interface LabelledImages {
  images: Float32Array
  labels: Int32Array
  shape: [number, number, number]
}

export function imageCount(data: LabelledImages): number {
  return data.labels.length
}

/** The pixels of the images at `indices`, NHWC. */
export function gatherPixels(data: LabelledImages, indices: ArrayLike<number>): Float32Array {
  const [h, w, c] = data.shape
  const size = h * w * c
  const out = new Float32Array(indices.length * size)
  for (let i = 0; i < indices.length; i++) out.set(data.images.subarray(indices[i] * size, (indices[i] + 1) * size), i * size)
  return out
}

/** The images at `indices` as a [n, h, w, c] tensor (caller disposes). */
export function gatherImages(data: LabelledImages, indices: ArrayLike<number>): tf.Tensor4D {
  return tf.tensor4d(gatherPixels(data, indices), [indices.length, ...data.shape])
}

export function gatherLabels(data: LabelledImages, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length)
  for (let i = 0; i < indices.length; i++) out[i] = data.labels[indices[i]]
  return out
}
