import { readFile } from 'node:fs/promises'
import * as tf from '@tensorflow/tfjs-core'
import { LabError } from '../base/errors'
import { finishLoadedModel, modelFromTopology } from './build-loaded-model'
import { boundInitializers } from './bounded-initializer'
import { withoutFinalSoftmax } from './final-softmax'
import { normalizeKerasConfig } from './keras-config'
import type { ModelFormat } from './model-format'
import { hfcLabMetadata } from './hfc-lab-metadata'
import { readWeightShards } from './tfjs-weights'

function isLayersModelJson(json: Record<string, unknown> | undefined): boolean {
  if (!json || json.format === 'graph-model') return false
  return (
    json.format === 'layers-model' ||
    (typeof json.modelTopology === 'object' && json.modelTopology !== null && !('node' in json.modelTopology))
  )
}

export const tfjsLayersFormat: ModelFormat = {
  format: 'tfjs-layers',
  description:
    'TF.js Layers model: model.json + weight shards (tfjs.layers save / tensorflowjs_converter --output_format tfjs_layers_model)',
  matches: (probe) => isLayersModelJson(probe.json),
  async open(probe, options) {
    const json = probe.json as unknown as tf.io.ModelJSON
    const manifest = json.weightsManifest
    if (!Array.isArray(manifest))
      throw new LabError('MODEL_WEIGHTS_MISSING', `${probe.name} lists no weight files (weightsManifest); it holds only an architecture.`)
    const normalized = normalizeKerasConfig(json.modelTopology, probe.name)
    const { topology, removed } = withoutFinalSoftmax(normalized, probe.name)
    const shards = await readWeightShards(probe.path, manifest)
    // Built with zero weights bounded by the largest array in the shards (a configuration that
    // states a huge layer is refused before allocating it), then given the shards' weights.
    const largest = Math.max(0, ...shards.specs.map((s) => s.shape.reduce((a, b) => a * b, 1)))
    const model = await modelFromTopology(boundInitializers(topology, largest), probe.name)
    const weights = tf.io.decodeWeights(shards.data, shards.specs)
    try {
      model.loadWeights(weights, true)
    } catch (e) {
      model.dispose()
      throw new LabError(
        'MODEL_WEIGHTS_MISMATCH',
        `${probe.name}: the model could not be built from its layers and weights (${(e as Error).message.split('\n')[0]}).`,
      )
    } finally {
      tf.dispose(Object.values(weights))
    }
    const files = [{ path: probe.path, bytes: new Uint8Array(await readFile(probe.path)) }, ...shards.files]
    return finishLoadedModel(
      model,
      {
        format: 'tfjs-layers',
        source: probe.path,
        files,
        metadata: hfcLabMetadata(json.userDefinedMetadata),
        outputSoftmaxRemoved: removed,
      },
      options,
    )
  },
}
