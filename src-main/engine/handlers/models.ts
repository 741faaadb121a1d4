import { createHash } from 'node:crypto'
import type { ModelSpec, ModelSummary } from '../../protocol/models'
import { describeDefense, sidecarOf } from '../../protocol/models'
import { specId } from '../base/spec-id'
import { attachEngine, type RunnableModel } from '../compute/forward'
import { writeFileAtomic } from '../export/atomic-write'
import { selectIndices } from '../jobs/batches'
import { inputGradients } from '../jobs/input-gradient'
import { evaluateSelection, predictSelection } from '../jobs/predict'
import { theorem1Check } from '../jobs/theorem1'
import { DEFAULT_MODEL_RECIPES, firstConvLayers, inspectKernels } from '../models'
import { defaultModels, openDefaultModel, openModel } from '../loaders'
import { identityPreprocessing } from '../models/preprocessing'
import type { Classifier } from '../models/classifier'
import { layersModelOf } from '../models/conv-layers'
import { exportOnnx } from '../onnx'
import { defended, isLayers, layersModel, ortThreads } from '../session/defended'
import { checkCompatible, getDataset, getModel } from '../session/lookup'
import { closeModel } from '../session/state'
import { LabError } from '../base/errors'
import type { HandlerTable } from './types'

export function summarize(model: RunnableModel): ModelSummary {
  const info = model.info
  return {
    name: info.name,
    format: info.format,
    source: info.source,
    inputShape: info.inputShape,
    inputRange: info.inputRange,
    inputRangeSource: info.inputRangeSource ?? 'metadata',
    preprocessing: info.preprocessing ?? identityPreprocessing(info.inputShape[2]),
    classes: info.classes,
    layers: info.layers,
    totalParams: info.totalParams,
    gradients: info.gradients,
    sha256: info.sha256,
    variant: info.variant,
    convLayers: isLayers(model) ? firstConvLayers(model).map((l) => l.name) : [],
    engine: model.engine.assignment,
  }
}

async function open(spec: ModelSpec): Promise<Classifier> {
  if (spec.defaultId) return openDefaultModel(spec.defaultId, spec.preprocessing)
  return openModel(spec.path!, spec.preprocessing)
}

export const modelHandlers = {
  async 'model.defaults'() {
    const present = new Set(defaultModels().map((m) => m.id))
    return DEFAULT_MODEL_RECIPES.map((r) => ({
      id: r.id,
      name: `${r.id} (${r.architectureName})`,
      description: r.description,
      available: present.has(r.id),
    }))
  },

  async 'model.open'(spec, _ctx, state) {
    const id = specId('m', spec)
    let model = state.models.get(id)
    if (!model) {
      model = await attachEngine(state.backend.forward, await open(spec), { threads: ortThreads(state) })
      state.models.set(id, model)
    }
    return { id, info: summarize(model) }
  },

  async 'model.close'({ modelId }, _ctx, state) {
    return { closed: closeModel(state, modelId) }
  },

  async 'model.variant'({ modelId, defense }, _ctx, state) {
    const { id, model } = await defended(state, modelId, defense)
    return { id, info: summarize(model) }
  },

  async 'model.predict'({ modelId, datasetId, ...selection }, ctx, state) {
    const model = getModel(state, modelId)
    const dataset = getDataset(state, datasetId)
    checkCompatible(model, dataset)
    const indices = selectIndices(dataset, selection)
    return { indices, ...(await predictSelection(model, dataset, indices, ctx)) }
  },

  async 'model.evaluate'({ modelId, datasetId, defense, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    return evaluateSelection(model, dataset, selectIndices(dataset, selection), describeDefense(defense), ctx)
  },

  async 'model.kernels'({ modelId, layer, radius, mask, mode }, _ctx, state) {
    return inspectKernels(layersModel(getModel(state, modelId), 'The kernel inspector'), layer, radius, { ...mask, mode })
  },

  async 'model.gradient'({ modelId, datasetId, ...selection }, ctx, state) {
    const model = getModel(state, modelId)
    const dataset = getDataset(state, datasetId)
    checkCompatible(model, dataset)
    if (!model.info.gradients)
      throw new LabError('MODEL_NO_GRADIENTS', `${model.info.name} provides no input gradients; open it as a Layers, Keras or ONNX model.`)
    return inputGradients(model, dataset, selectIndices(dataset, selection), ctx)
  },

  async 'model.saveSidecar'({ modelId, out, force }, _ctx, state) {
    await writeFileAtomic(out, `${JSON.stringify(sidecarOf(summarize(getModel(state, modelId))), null, 2)}\n`, { force })
    return { out }
  },

  async 'model.export'({ modelId, defense, out, layout, force }, _ctx, state) {
    const { model } = await defended(state, modelId, defense)
    const loaded = layersModel(model, 'ONNX export')
    const p = model.info.preprocessing
    const bytes = exportOnnx(layersModelOf(loaded, 'ONNX export'), {
      inputLayout: layout,
      inputRange: model.info.inputRange,
      preprocessing: p && { mean: p.mean, std: p.std, channelOrder: p.channelOrder },
      classes: model.info.classes,
      name: model.info.name,
    })
    await writeFileAtomic(out, bytes, { force })
    return { out, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }
  },

  async 'model.theorem1'({ modelId, datasetId, index, radius, layer }, _ctx, state) {
    const model = layersModel(getModel(state, modelId), 'The Theorem-1 check')
    const dataset = getDataset(state, datasetId)
    checkCompatible(model, dataset)
    return theorem1Check(model, await dataset.read([index]), dataset.info.shape, radius, layer)
  },
} satisfies HandlerTable
