import { readFile } from 'node:fs/promises'
import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { LabError } from '../errors'
import { finishLoadedModel } from './build-loaded-model'
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
    const handler: tf.io.IOHandler = {
      load: async () => ({
        modelTopology: topology as unknown as object,
        weightSpecs: shards.specs,
        weightData: shards.data,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        userDefinedMetadata: json.userDefinedMetadata,
      }),
    }
    let model: tfl.LayersModel
    try {
      model = await tfl.loadLayersModel(handler, { strict: true })
    } catch (e) {
      throw new LabError(
        'MODEL_WEIGHTS_MISMATCH',
        `${probe.name}: the model could not be built from its layers and weights (${(e as Error).message.split('\n')[0]}).`,
      )
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
