import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { File } from 'h5wasm'
import { LabError } from '../base/errors'
import { childGroup, readWeight, stringListAttr, type WeightArray } from './hdf5-file'

export type WeightsByLayer = Map<string, WeightArray[]>

/**
 * Weights of a Keras 2 (or Keras 3 legacy) HDF5 save: `model_weights/<layer>` groups in the
 * `layer_names` order, each listing its arrays in `weight_names` (the same order TF.js uses).
 * A weights-only file (save_weights) has the groups at the root.
 */
export function readKerasH5Weights(file: File, source: string): WeightsByLayer {
  const root = childGroup(file, 'model_weights') ?? file
  const layerNames = stringListAttr(root, 'layer_names')
  if (!layerNames)
    throw new LabError(
      'MODEL_WEIGHTS_MISSING',
      `${source} holds no model weights (no 'layer_names' attribute). Save the model with model.save(), not only its architecture.`,
    )
  const byLayer: WeightsByLayer = new Map()
  for (const name of layerNames) {
    const group = childGroup(root, name)
    if (!group) throw new LabError('MODEL_WEIGHTS_MISSING', `${source} lists the layer '${name}' but holds no weights for it.`)
    byLayer.set(
      name,
      (stringListAttr(group, 'weight_names') ?? []).map((w) => readWeight(group, w, source)),
    )
  }
  return byLayer
}

/** Weights of a Keras 3 `model.weights.h5`: `layers/<layer>/vars/0, 1, …`. */
export function readKeras3Weights(file: File, layerNames: string[], source: string): WeightsByLayer {
  const layers = childGroup(file, 'layers')
  if (!layers) throw new LabError('MODEL_WEIGHTS_MISSING', `${source} holds no 'layers' group of weights.`)
  const byLayer: WeightsByLayer = new Map()
  for (const name of layerNames) {
    const layerGroup = childGroup(layers, name)
    const vars = layerGroup ? childGroup(layerGroup, 'vars') : null
    const keys = vars
      ? vars
          .keys()
          .filter((k) => /^\d+$/.test(k))
          .sort((a, b) => Number(a) - Number(b))
      : []
    byLayer.set(name, vars ? keys.map((k) => readWeight(vars, k, source)) : [])
  }
  return byLayer
}

/** Sets each layer's weights from the file, checking their number and shapes first. */
export function applyLayerWeights(model: tfl.LayersModel, byLayer: WeightsByLayer, source: string): void {
  for (const layer of model.layers) {
    const expected = layer.weights
    if (expected.length === 0) continue
    const arrays = byLayer.get(layer.name)
    if (!arrays || arrays.length === 0) throw new LabError('MODEL_WEIGHTS_MISSING', `${source} has no weights for layer '${layer.name}'.`)
    if (arrays.length !== expected.length) {
      throw new LabError(
        'MODEL_WEIGHTS_MISMATCH',
        `${source}: layer '${layer.name}' has ${arrays.length} weight arrays in the file but needs ${expected.length}.`,
      )
    }
    arrays.forEach((a, i) => {
      const want = expected[i].shape
      if (a.shape.length !== want.length || a.shape.some((d, j) => d !== want[j])) {
        throw new LabError(
          'MODEL_WEIGHTS_MISMATCH',
          `${source}: weight ${i} of layer '${layer.name}' has shape [${a.shape}] in the file but the layer needs [${want}].`,
        )
      }
    })
    const tensors = arrays.map((a) => tf.tensor(a.values, a.shape))
    layer.setWeights(tensors)
    tf.dispose(tensors)
  }
}
