import type * as tf from '@tensorflow/tfjs-core'
import type { AppliedPreprocessing, LayerSummary, PreprocessingSource } from '../../protocol/models'

export interface ModelInfo {
  name: string
  format: string
  source: string
  /** [h, w, c] the model takes. */
  inputShape: [number, number, number]
  /** Pixel range the model expects; the classifier converts from [0, 1] internally (preprocessing.ts). */
  inputRange: [number, number]
  classes: string[]
  layers: LayerSummary[]
  totalParams: number
  /** Whether input gradients are available (attacks that need them refuse otherwise). */
  gradients: boolean
  sha256: string
  /** How the model was changed from the file (e.g. "D2 conv2d_1:r=2"), empty for the original. */
  variant: string
  /** Where inputRange came from: the file's hfcLab metadata, the sidecar, the caller's option, or a [0, 1] guess the UI should confirm. */
  inputRangeSource?: PreprocessingSource
  /** Normalisation, channel order and layout applied with the range; absent: identity, RGB, NHWC. */
  preprocessing?: AppliedPreprocessing
  /** Where the class names came from; 'indices' means the file named none. */
  classesSource?: 'metadata' | 'option' | 'indices'
  /** Every file the model was read from, with its size and SHA-256 (sha256 above digests them all). */
  files?: { path: string; bytes: number; sha256: string }[]
  trainableParams?: number
  /** The file's model ended in a softmax, which was removed so that logits() gives logits. */
  outputSoftmaxRemoved?: boolean
}

/**
 * The one shape every attack, evaluation and defense sees.
 * `logits` takes float32 images in [0, 1] NHWC and must be differentiable when info.gradients.
 */
export interface Classifier {
  readonly info: ModelInfo
  logits(images: tf.Tensor4D): tf.Tensor2D
}
