import { createOrtClassifier, type BatchScorer } from './onnx'
import type { Classifier } from './models/classifier'
import type { LoadedModel } from './models'
import type { EngineState } from './state'

/**
 * Forward-only passes of a model on onnxruntime, when the user chose it: each opened Layers model
 * (original or D2 variant) gets a native scorer; D1 variants and gradients stay on TF.js.
 */
const scorers = new WeakMap<Classifier, BatchScorer>()

export async function attachScorer(state: EngineState, model: Classifier): Promise<void> {
  if (state.backend.forward !== 'onnxruntime' || scorers.has(model)) return
  const loaded = model as LoadedModel
  if (!loaded.model) return
  scorers.set(model, await createOrtClassifier(loaded))
}

export function scorerOf(model: Classifier): BatchScorer | undefined {
  return scorers.get(model)
}
