import * as tf from '@tensorflow/tfjs-core'
import { registerFastWasmOps } from '../ops'
import type { Classifier } from './classifier'

/** The TF.js answer per opened model; absent until a job first needs input gradients. */
const probed = new WeakMap<Classifier, boolean>()

/**
 * Whether TF.js can take an input gradient through the model (one image, on the current backend).
 * It runs a full backward pass (55 s for a ConvNeXt-T on wasm), so it runs lazily, once per model,
 * when a job first needs gradients, never when a model is opened.
 */
export function tfjsGradientsWork(model: Classifier): boolean {
  const known = probed.get(model)
  if (known !== undefined) return known
  // Stock wasm cannot backpropagate through a conv layer (no Conv2DBackpropFilter kernel).
  if (tf.getBackend() === 'wasm') registerFastWasmOps()
  let works: boolean
  try {
    tf.tidy(() =>
      tf
        .grad((x: tf.Tensor) => tf.sum(model.logits(x as tf.Tensor4D)))(tf.zeros([1, ...model.info.inputShape]))
        .dataSync(),
    )
    works = true
  } catch {
    works = false
  }
  probed.set(model, works)
  return works
}

/** The TF.js probe's answer, or undefined when no job has needed gradients of this model yet. */
export function tfjsGradientProbe(model: Classifier): boolean | undefined {
  return probed.get(model)
}
