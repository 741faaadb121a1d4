import { availableParallelism } from 'node:os'
import type { Defense } from '../../protocol/models'
import { LabError } from '../base/errors'
import { specId } from '../base/spec-id'
import { attachEngine, type RunnableModel } from '../compute/forward'
import { withD1 } from '../eval'
import { firstConvLayers, lowPassKernels, type LoadedModel } from '../models'
import type { Classifier } from '../models/classifier'
import { getModel } from './lookup'
import { keepVariant, touchVariant, type EngineState } from './state'

/** A TF.js Layers model: its weights can be edited (D2, the kernel inspector, ONNX export). */
export function isLayers(model: Classifier): model is LoadedModel {
  return 'model' in model && !!(model as LoadedModel).model
}

export function layersModel(model: Classifier, what: string): LoadedModel {
  if (!isLayers(model))
    throw new LabError(
      'MODEL_NO_LAYERS',
      `${what} needs a model whose weights HFC Lab can edit; "${model.info.name}" (${model.info.variant || model.info.format}) is not one. Use the original model.`,
    )
  return model
}

/**
 * onnxruntime threads per session. When onnxruntime was forced the engine has one worker, and
 * its session gets every core. Otherwise cores come from the worker pool and each session gets
 * one thread, whatever the pool's size: onnxruntime's results change in the last bits with its
 * thread count, and a sweep must give the same bytes with any number of workers or shards.
 */
export function ortThreads(state: EngineState): number {
  return state.backend.forward === 'onnxruntime' ? Math.max(1, Math.floor(availableParallelism() / state.workerCount)) : 1
}

/** A defended copy of a model, opened once per (model, defense) and kept in the registry. */
export async function defended(state: EngineState, modelId: string, defense: Defense): Promise<{ id: string; model: RunnableModel }> {
  const base = getModel(state, modelId)
  if (defense.kind === 'none') return { id: modelId, model: base }
  const id = specId('mv', { modelId, defense })
  const cached = state.models.get(id)
  if (cached) {
    touchVariant(state, id)
    return { id, model: cached }
  }
  let model: RunnableModel
  if (defense.kind === 'd1') {
    const mask = defense.mask ?? {}
    // The low pass becomes part of onnxruntime's graph, and of its gradient. A model that cannot be
    // written as ONNX gets TF.js engines, with that reason.
    model = await attachEngine(
      state.backend.forward,
      withD1(base, defense.radius, mask),
      isLayers(base)
        ? { source: base, lowPass: { radius: defense.radius, kind: mask.kind, rule: mask.rule }, threads: ortThreads(state) }
        : {},
    )
  } else {
    const loaded = layersModel(base, 'D2')
    const convs = firstConvLayers(loaded)
    if (defense.radii.length > convs.length) {
      throw new LabError(
        'D2_LAYERS',
        `D2 got ${defense.radii.length} radii but ${base.info.name} has ${convs.length} conv layer(s). Give at most ${convs.length}.`,
      )
    }
    const filtered = await lowPassKernels(
      loaded,
      defense.radii.map((radius, k) => ({ layer: convs[k].name, radius })),
      { ...(defense.mask ?? {}), mode: defense.mode ?? 'kernel' },
    )
    model = await attachEngine(state.backend.forward, filtered, { threads: ortThreads(state) })
  }
  keepVariant(state, id, modelId, model)
  return { id, model }
}
