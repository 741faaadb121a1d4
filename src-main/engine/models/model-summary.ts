import type * as tfl from '@tensorflow/tfjs-layers'
import type { LayerSummary } from '../../protocol/models'

function outputShapeOf(layer: tfl.layers.Layer): (number | null)[] {
  const shape = layer.outputShape
  // A layer with several outputs reports a list of shapes; the summary shows the first.
  return (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[]
}

export function layerSummaries(model: tfl.LayersModel): LayerSummary[] {
  return model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    outputShape: outputShapeOf(layer),
    params: layer.countParams(),
  }))
}

export function parameterCounts(model: tfl.LayersModel): { total: number; trainable: number } {
  const count = (weights: tfl.LayerVariable[]): number =>
    weights.reduce((sum, w) => sum + w.shape.reduce((p: number, d) => p * (d ?? 1), 1), 0)
  return { total: count(model.weights), trainable: count(model.trainableWeights) }
}
