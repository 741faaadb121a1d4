import { ERROR_CODES } from '../../protocol/errors'
import type { Dataset } from '../data/dataset'
import { LabError } from '../base/errors'
import type { Classifier } from '../models/classifier'
import type { RunnableModel } from '../compute/forward'
import type { EngineState } from './state'

export function getDataset(state: EngineState, id: string): Dataset {
  const dataset = state.datasets.get(id)
  if (!dataset) throw new LabError(ERROR_CODES.notFound, `No open data set has id ${id}. Open the data set again.`)
  return dataset
}

export function getModel(state: EngineState, id: string): RunnableModel {
  const model = state.models.get(id)
  if (!model) throw new LabError(ERROR_CODES.notFound, `No open model has id ${id}. Open the model again.`)
  return model
}

/** Refuses a model whose input does not fit the data set's images, with what to do about it. */
export function checkCompatible(model: Classifier, dataset: Dataset): void {
  const [h, w, c] = model.info.inputShape
  const [dh, dw, dc] = dataset.info.shape
  if (h !== dh || w !== dw || c !== dc) {
    throw new LabError(
      'SHAPE_MISMATCH',
      `The model "${model.info.name}" takes ${h}x${w}x${c} images but the data set "${dataset.info.name}" has ${dh}x${dw}x${dc}. ` +
        "Open a data set of the model's size (image folders can be resized when opened) or another model.",
    )
  }
}
