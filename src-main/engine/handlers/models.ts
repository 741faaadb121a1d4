import type { Defense, ModelSpec, ModelSummary } from '../../protocol/models'
import { accuracyWarning, describeDefense, describePreprocessing, preprocessingAssumed } from '../../protocol/models'
import { createHash } from 'node:crypto'
import { LabError } from '../base/errors'
import { writeFileAtomic } from '../export/atomic-write'
import { exportOnnx } from '../onnx'
import { layersModelOf } from '../models/conv-layers'
import { withD1 } from '../eval'
import { availableParallelism } from 'node:os'
import { assignmentOf, attachScorer } from '../compute/forward'
import { forEachBatch, selectIndices } from '../jobs/batches'
import { inputGradients } from '../jobs/input-gradient'
import { predictBatch } from '../jobs/predict'
import { theorem1Check } from '../jobs/theorem1'
import { checkCompatible, getDataset, getModel } from '../session/lookup'
import { DEFAULT_MODEL_RECIPES, defaultModels, firstConvLayers, kernelReport, lowPassKernels, openDefaultModel, openModel, type LoadedModel } from '../models'
import type { Classifier } from '../models/classifier'
import { identityPreprocessing } from '../models/preprocessing'
import { evaluationFromConfusion } from '../jobs/shard-merge'
import { specId } from '../base/spec-id'
import { closeModel, keepVariant, touchVariant, type EngineState } from '../session/state'
import type { HandlerTable } from './types'

function isLayers(model: Classifier): model is LoadedModel {
  return 'model' in model && !!(model as LoadedModel).model
}

function layersModel(model: Classifier, what: string): LoadedModel {
  if (!isLayers(model)) throw new LabError('MODEL_NO_LAYERS', `${what} needs a model whose weights HFC Lab can edit; "${model.info.name}" (${model.info.variant || model.info.format}) is not one. Use the original model.`)
  return model
}

export function summarize(model: Classifier): ModelSummary {
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
    engine: assignmentOf(model),
  }
}

/**
 * onnxruntime threads per session. When onnxruntime was forced the engine has one worker, and
 * its session gets every core. Otherwise cores come from the worker pool and each session gets
 * one thread, whatever the pool's size: onnxruntime's results change in the last bits with its
 * thread count, and a sweep must give the same bytes with any number of workers or shards.
 */
function ortThreads(state: EngineState): number {
  return state.backend.forward === 'onnxruntime' ? Math.max(1, Math.floor(availableParallelism() / state.workerCount)) : 1
}

/** A defended copy of a model, opened once per (model, defence) and kept in the registry. */
export async function defended(state: EngineState, modelId: string, defense: Defense): Promise<{ id: string; model: Classifier }> {
  const base = getModel(state, modelId)
  if (defense.kind === 'none') return { id: modelId, model: base }
  const id = specId('mv', { modelId, defense })
  const cached = state.models.get(id)
  if (cached) {
    touchVariant(state, id)
    return { id, model: cached }
  }
  let model: Classifier
  if (defense.kind === 'd1') {
    const mask = defense.mask ?? {}
    model = withD1(base, defense.radius, mask)
    // The low pass becomes part of onnxruntime's graph, and of its gradient.
    if (isLayers(base)) {
      await attachScorer(state.backend.forward, model, { source: base, lowPass: { radius: defense.radius, kind: mask.kind, rule: mask.rule }, threads: ortThreads(state) })
    }
  } else {
    const loaded = layersModel(base, 'D2')
    const convs = firstConvLayers(loaded)
    if (defense.radii.length > convs.length) {
      throw new LabError('D2_LAYERS', `D2 got ${defense.radii.length} radii but ${base.info.name} has ${convs.length} conv layer(s). Give at most ${convs.length}.`)
    }
    model = await lowPassKernels(loaded, defense.radii.map((radius, k) => ({ layer: convs[k].name, radius })), { ...(defense.mask ?? {}), mode: defense.mode ?? 'kernel' })
    await attachScorer(state.backend.forward, model, { threads: ortThreads(state) })
  }
  keepVariant(state, id, modelId, model)
  return { id, model }
}

async function open(spec: ModelSpec): Promise<Classifier> {
  if (spec.defaultId) return openDefaultModel(spec.defaultId, spec.preprocessing)
  return openModel(spec.path!, spec.preprocessing)
}

export const modelHandlers = {
  async 'model.defaults'() {
    const present = new Set(defaultModels().map((m) => m.id))
    return DEFAULT_MODEL_RECIPES.map((r) => ({ id: r.id, name: `${r.id} (${r.architectureName})`, description: r.description, available: present.has(r.id) }))
  },

  async 'model.open'(spec, _ctx, state) {
    const id = specId('m', spec)
    let model = state.models.get(id)
    if (!model) {
      model = await open(spec)
      await attachScorer(state.backend.forward, model, { threads: ortThreads(state) })
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
    const labels = new Int32Array(indices.length)
    const confidences = new Float32Array(indices.length)
    await forEachBatch(dataset, indices, 256, ctx, 'predict', async (batch) => {
      const p = await predictBatch(model, batch.images)
      labels.set(p.labels, batch.offset)
      confidences.set(p.confidences, batch.offset)
    })
    return { indices, labels, confidences }
  },

  async 'model.evaluate'({ modelId, datasetId, defense, ...selection }, ctx, state) {
    const dataset = getDataset(state, datasetId)
    const { model } = await defended(state, modelId, defense)
    checkCompatible(model, dataset)
    const k = Math.max(dataset.info.classes.length, model.info.classes.length)
    const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0))
    await forEachBatch(dataset, selectIndices(dataset, selection), 256, ctx, 'accuracy', async ({ labels, images }) => {
      const predicted = (await predictBatch(model, images)).labels
      labels.forEach((y, i) => confusion[y][predicted[i]]++)
    })
    const evaluation = evaluationFromConfusion(confusion, dataset.info.classes, describeDefense(defense))
    const assumed = preprocessingAssumed(model.info.inputRangeSource, model.info.preprocessing)
    const warning = accuracyWarning(evaluation.accuracy, evaluation.n, model.info.classes.length, assumed)
    return {
      ...evaluation,
      preprocessing: describePreprocessing(model.info.inputRange, model.info.preprocessing),
      preprocessingAssumed: assumed,
      ...(warning ? { warning } : {}),
    }
  },

  async 'model.kernels'({ modelId, layer, radius, mask, mode }, _ctx, state) {
    const model = layersModel(getModel(state, modelId), 'The kernel inspector')
    const convs = firstConvLayers(model)
    const name = layer ?? convs[0]?.name
    if (!name) throw new LabError('MODEL_NO_SUCH_CONV', `${model.info.name} has no convolution layer to inspect.`)
    const report = kernelReport(model, name, radius, { ...mask, mode })
    const maxAbs = report.kernels.reduce((m, k) => Math.max(m, ...k.before.map(Math.abs)), 0)
    return { ...report, convLayers: convs.map((c) => c.name), maxAbs }
  },

  async 'model.gradient'({ modelId, datasetId, ...selection }, ctx, state) {
    const model = getModel(state, modelId)
    const dataset = getDataset(state, datasetId)
    checkCompatible(model, dataset)
    if (!model.info.gradients) throw new LabError('MODEL_NO_GRADIENTS', `${model.info.name} provides no input gradients; open it as a Layers, Keras or ONNX model.`)
    return inputGradients(model, dataset, selectIndices(dataset, selection), ctx)
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
