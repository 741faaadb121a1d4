import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { Classifier, ModelInfo } from './classifier'
import { toModelInput } from './preprocessing'

/** A classifier backed by a TF.js Layers model, exposed for weight surgery (D2). */
export interface LoadedModel extends Classifier {
  /** The Layers model that computes the logits (a final softmax of the file removed), for
   * surgery such as D2; null for a TF.js graph model, which is inference-only. */
  readonly model: tfl.LayersModel | null
  dispose(): void
}

export class LayersClassifier implements LoadedModel {
  constructor(
    readonly model: tfl.LayersModel,
    readonly info: ModelInfo,
  ) {}

  logits(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const x = toModelInput(images, this.info)
      const out = this.model.apply(x, { training: false })
      if (Array.isArray(out)) throw new Error(`${this.info.name} has ${out.length} outputs; HFC Lab needs one class-score output.`)
      return tf.reshape(out as tf.Tensor, [images.shape[0], -1]) as tf.Tensor2D
    })
  }

  dispose(): void {
    this.model.dispose()
  }
}
