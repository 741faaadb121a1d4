import { readFile } from 'node:fs/promises'
import { LabError } from '../base/errors'
import { kerasLoadedModel } from './build-loaded-model'
import { withoutFinalSoftmax } from './final-softmax'
import { withHdf5 } from './hdf5-file'
import { normalizeKerasConfig } from './keras-config'
import { readKeras3Weights } from './keras-weights'
import type { ModelFormat } from './model-format'
import { isZip, readZipEntries } from './zip-archive'

function entry(entries: Map<string, Uint8Array>, name: string, source: string): Uint8Array {
  const bytes = entries.get(name)
  if (!bytes)
    throw new LabError('MODEL_BAD_ARCHIVE', `${source} has no ${name}; a Keras 3 .keras archive holds config.json and model.weights.h5.`)
  return bytes
}

export const kerasArchiveFormat: ModelFormat = {
  format: 'keras-v3',
  description: 'Keras 3 .keras archive (zip of config.json + model.weights.h5)',
  matches: (probe) => isZip(probe.head),
  async open(probe, options) {
    const bytes = new Uint8Array(await readFile(probe.path))
    const entries = readZipEntries(bytes, probe.name)
    let config: unknown
    try {
      config = JSON.parse(new TextDecoder().decode(entry(entries, 'config.json', probe.name)))
    } catch (e) {
      if (e instanceof LabError) throw e
      throw new LabError('MODEL_BAD_CONFIG', `${probe.name}: config.json is not valid JSON.`)
    }
    const metadata = entries.get('metadata.json')
    const kerasVersion = metadata ? (JSON.parse(new TextDecoder().decode(metadata)) as { keras_version?: string }).keras_version : undefined
    const { topology, removed } = withoutFinalSoftmax(normalizeKerasConfig(config, probe.name), probe.name)
    return kerasLoadedModel(
      topology,
      removed,
      (layerNames) =>
        withHdf5(entry(entries, 'model.weights.h5', probe.name), `${probe.name} (model.weights.h5)`, (file) =>
          readKeras3Weights(file, layerNames, probe.name),
        ),
      probe.name,
      { format: kerasVersion ? `keras-v3 (Keras ${kerasVersion})` : 'keras-v3', source: probe.path, files: [{ path: probe.path, bytes }] },
      options,
    )
  },
}
