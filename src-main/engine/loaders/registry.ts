import { LabError } from '../base/errors'
import { asFormatError } from '../base/format-error'
import type { OpenModelOptions } from '../models/build-loaded-model'
import { graphModelFormat } from '../models/graph-model-format'
import { kerasArchiveFormat } from '../models/keras-archive-format'
import { kerasH5Format } from '../models/keras-h5-format'
import type { LoadedModel } from '../models/layers-classifier'
import type { ModelFormat } from '../models/model-format'
import { probeModelPath } from '../models/model-probe'
import { readSidecar, settlePreprocessing } from '../models/preprocessing'
import { onnxModelFormat } from '../onnx/open-onnx-model'
import { tfjsLayersFormat } from '../models/tfjs-layers-format'

/** Every model format HFC Lab reads; the first whose matches() accepts a file opens it. */
export const MODEL_FORMATS: readonly ModelFormat[] = [
  tfjsLayersFormat,
  graphModelFormat,
  kerasH5Format,
  kerasArchiveFormat,
  onnxModelFormat,
]

/**
 * Opens a model file (or a folder holding model.json) with the loader its content calls for, its
 * preprocessing settled from `options`, the sidecar `<file>.hfc.json` and the file itself.
 */
export async function openModel(path: string, options: OpenModelOptions = {}): Promise<LoadedModel> {
  const probe = await probeModelPath(path).catch((e: unknown) => {
    throw asFormatError(e, path, 'model', 'MODEL_CORRUPT')
  })
  const format = MODEL_FORMATS.find((f) => f.matches(probe))
  if (!format) {
    throw new LabError(
      'MODEL_UNKNOWN_FORMAT',
      `${probe.name} is not a model format HFC Lab reads. Choose one of: ${MODEL_FORMATS.map((f) => f.description).join('; ')}.`,
    )
  }
  const sidecar = await readSidecar(probe.path)
  const layout = options.layout ?? sidecar?.preprocessing.layout
  let loaded: LoadedModel
  try {
    loaded = await format.open(probe, { ...options, ...(layout ? { layout } : {}) })
  } catch (e) {
    throw asFormatError(e, probe.path, format.format, 'MODEL_CORRUPT')
  }
  try {
    settlePreprocessing(loaded.info, options, sidecar)
  } catch (e) {
    loaded.dispose()
    throw e
  }
  return loaded
}
