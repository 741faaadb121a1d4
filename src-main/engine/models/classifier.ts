import type * as tf from '@tensorflow/tfjs-core'

export interface LayerSummary {
  name: string
  className: string
  outputShape: (number | null)[]
  params: number
}

export interface ModelInfo {
  name: string
  format: string
  source: string
  /** [h, w, c] the model takes. */
  inputShape: [number, number, number]
  /** Pixel range the model expects; the classifier converts from [0, 1] internally. */
  inputRange: [number, number]
  classes: string[]
  layers: LayerSummary[]
  totalParams: number
  /** Whether input gradients are available (attacks that need them refuse otherwise). */
  gradients: boolean
  sha256: string
  /** How the model was changed from the file (e.g. "D2 conv2d_1:r=2"), empty for the original. */
  variant: string
}

/**
 * The one shape every attack, evaluation and defence sees.
 * `logits` takes float32 images in [0, 1] NHWC and must be differentiable when info.gradients.
 */
export interface Classifier {
  readonly info: ModelInfo
  logits(images: tf.Tensor4D): tf.Tensor2D
}
