import { LabError } from '../base/errors'
import type { KerasLayer, NormalizedTopology } from './keras-config'

function isSoftmaxLayer(layer: KerasLayer): boolean {
  return layer.class_name === 'Softmax' || (layer.class_name === 'Activation' && layer.config.activation === 'softmax')
}

/**
 * Classifiers must give logits (attacks and C&W need them), but most saved models end in a
 * softmax. This removes it: a final Activation/Softmax layer is dropped, a final layer with
 * activation 'softmax' becomes 'linear'. Returns the new topology and whether a softmax was removed.
 */
export function withoutFinalSoftmax(topology: NormalizedTopology, source: string): { topology: NormalizedTopology; removed: boolean } {
  const layers = topology.config.layers.map((l) => ({ ...l, config: { ...l.config } }))
  const result: NormalizedTopology = { class_name: topology.class_name, config: { ...topology.config, layers } }
  let index = layers.length - 1
  if (topology.class_name === 'Functional') {
    const outputs = topology.config.output_layers ?? []
    if (outputs.length !== 1)
      throw new LabError('MODEL_OUTPUTS', `${source} has ${outputs.length} outputs; HFC Lab needs a model with one class-score output.`)
    const outputName = (outputs[0] as unknown[])[0]
    index = layers.findIndex((l) => l.name === outputName || l.config.name === outputName)
    if (index < 0)
      throw new LabError('MODEL_BAD_CONFIG', `${source} names the output layer '${String(outputName)}', which it does not contain.`)
  }
  const last = layers[index]
  if (isSoftmaxLayer(last)) {
    if (topology.class_name === 'Functional') {
      const inbound = (last.inbound_nodes as unknown[][][] | undefined)?.[0]?.[0]
      if (!inbound) throw new LabError('MODEL_BAD_CONFIG', `${source}: the output softmax layer has no input.`)
      result.config.output_layers = [[inbound[0], inbound[1], inbound[2]]]
    }
    layers.splice(index, 1)
    return { topology: result, removed: true }
  }
  if (last.config.activation === 'softmax') {
    last.config.activation = 'linear'
    return { topology: result, removed: true }
  }
  return { topology: result, removed: false }
}
