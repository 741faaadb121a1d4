import * as tf from '@tensorflow/tfjs-core'
import { registerFastWasmOps } from '../ops'
import type { Classifier } from './classifier'

/**
 * Whether TF.js can take an input gradient through the model (one image, on the current backend).
 * It runs a full backward pass (55 s for a ConvNeXt-T on wasm), so the model's engines
 * (compute/forward.ts) run it lazily, once per model, when a job first needs gradients, never when
 * a model is opened, and keep the answer.
 */
export function tfjsGradientsWork(model: Classifier): boolean {
  // Stock wasm cannot backpropagate through a conv layer (no Conv2DBackpropFilter kernel).
  if (tf.getBackend() === 'wasm') registerFastWasmOps()
  try {
    tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(model.logits(x as tf.Tensor4D)))(tf.zeros([1, ...model.info.inputShape]))
        .dataSync(),
    )
    return true
  } catch {
    return false
  }
}
