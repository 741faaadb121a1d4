import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../models/classifier'
import { lowPass, type MaskOptions } from '../spectral'

export interface D1Options extends MaskOptions {
  /**
   * none: feed the raw real part of x_l (docs/algorithms.md §D1, the default); max: rescale each image by its
   * own maximum first, as the authors' CVPR code normalises x_l before feeding it.
   */
  normalize?: 'none' | 'max'
}

/** The variant label D1 adds to a model: radius, and the mask options that differ from the defaults. */
export function d1Variant(r: number, options: D1Options = {}): string {
  const parts = [`D1 r=${r}`]
  if (options.kind && options.kind !== 'circle') parts.push(options.kind)
  if (options.rule && options.rule !== 'strict') parts.push(options.rule)
  if (options.normalize === 'max') parts.push('max-normalised')
  return parts.join(' ')
}

/**
 * Defense D1 (docs/algorithms.md §D1) as a classifier: logits(LowPass(x, r)), per channel, real part, no
 * clipping. The low pass is a linear operator with its own gradient, so gradient attacks can
 * target f∘D1 directly (the adaptive protocol of docs/algorithms.md §Evaluation protocol).
 */
export function withD1(model: Classifier, r: number, options: D1Options = {}): Classifier {
  const mask: MaskOptions = { kind: options.kind, rule: options.rule }
  const variant = d1Variant(r, options)
  return {
    info: { ...model.info, variant: model.info.variant ? `${model.info.variant}; ${variant}` : variant },
    logits: (images) =>
      tf.tidy(() => {
        const low = lowPass(images, r, mask)
        if (options.normalize !== 'max') return model.logits(low)
        const peak = tf.max(low, [1, 2, 3], true)
        // An image whose low-pass is nowhere positive has no scale to restore; it is fed as is.
        const scale = tf.where(tf.greater(peak, 0), peak, tf.onesLike(peak))
        return model.logits(tf.div(low, scale) as tf.Tensor4D)
      }),
  }
}
