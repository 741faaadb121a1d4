import { readFile } from 'node:fs/promises'
import { LabError } from '../base/errors'
import { kerasLoadedModel } from './build-loaded-model'
import { withoutFinalSoftmax } from './final-softmax'
import { isHdf5, stringAttr, withHdf5 } from './hdf5-file'
import { normalizeKerasConfig } from './keras-config'
import { readKerasH5Weights } from './keras-weights'
import type { ModelFormat } from './model-format'

export const kerasH5Format: ModelFormat = {
  format: 'keras-h5',
  description: 'Keras HDF5 model (.h5) saved with model.save(): Keras 2, tf.keras, or Keras 3 legacy h5',
  matches: (probe) => isHdf5(probe.head),
  async open(probe, options) {
    const bytes = new Uint8Array(await readFile(probe.path))
    const { config, weights, kerasVersion } = await withHdf5(bytes, probe.name, (file) => {
      const text = stringAttr(file, 'model_config')
      if (!text) {
        throw new LabError(
          'MODEL_NO_CONFIG',
          `${probe.name} holds weights but no model architecture (no 'model_config'); it was saved with save_weights(). Save the full model with model.save().`,
        )
      }
      return {
        config: JSON.parse(text) as unknown,
        weights: readKerasH5Weights(file, probe.name),
        kerasVersion: stringAttr(file, 'keras_version'),
      }
    })
    const { topology, removed } = withoutFinalSoftmax(normalizeKerasConfig(config, probe.name), probe.name)
    return kerasLoadedModel(
      topology,
      removed,
      async () => weights,
      probe.name,
      { format: kerasVersion ? `keras-h5 (Keras ${kerasVersion})` : 'keras-h5', source: probe.path, files: [{ path: probe.path, bytes }] },
      options,
    )
  },
}
