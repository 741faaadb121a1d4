import type { PerturbationSpectra } from '../../protocol/attacks'
import type { BackendChoice } from '../compute/backend'
import type { Dataset } from '../data/dataset'
import type { RunnableModel } from '../compute/forward'
import { OPEN_LIMITS } from './open-journal'

/** The engine's only mutable state: what this worker has opened, by id. */
export interface EngineState {
  backend: BackendChoice
  workerIndex: number
  workerCount: number
  datasets: Map<string, Dataset>
  /** Models as opened, and their defended variants (also keyed in `variants`), each with its engines. */
  models: Map<string, RunnableModel>
  /** Variant id -> id of the model it was made from, least recently used first. */
  variants: Map<string, string>
  /** Finished curve runs, kept so the UI can fetch the examples behind a point. */
  runs: Map<string, StoredRun>
  /** Releases of closed data sets and models, run when no call is in flight. */
  closing: (() => Promise<unknown>)[]
}

export interface StoredRun {
  datasetId: string
  indices: Int32Array
  labels: Int32Array
  shape: [number, number, number]
  entries: {
    distances: Float32Array
    adversarialCorrect: Uint8Array
    adversarialPredicted: Int32Array
    adversarial: Float32Array
    spectrum: PerturbationSpectra
  }[]
}

export function createState(backend: BackendChoice, workerIndex: number, workerCount: number): EngineState {
  return { backend, workerIndex, workerCount, datasets: new Map(), models: new Map(), variants: new Map(), runs: new Map(), closing: [] }
}

/** Forgets a data set; its file handles close once the worker is idle. False when it was not open. */
export function closeDataset(state: EngineState, id: string): boolean {
  const dataset = state.datasets.get(id)
  if (!dataset) return false
  state.datasets.delete(id)
  state.closing.push(async () => dataset.close?.())
  return true
}

/**
 * Forgets a model or variant, with every variant made from it; what they hold (onnxruntime
 * sessions, their own weights) is freed once the worker is idle. A D1 variant wraps its base's
 * weights, so only a model that owns a dispose() is disposed. False when it was not open.
 */
export function closeModel(state: EngineState, id: string): boolean {
  const model = state.models.get(id)
  if (!model) return false
  for (const [variant, parent] of [...state.variants]) if (parent === id) closeModel(state, variant)
  state.models.delete(id)
  state.variants.delete(id)
  state.closing.push(async () => {
    await model.engine.dispose()
    const own = model as Partial<{ dispose(): unknown }>
    if (typeof own.dispose === 'function') await own.dispose()
  })
  return true
}

/** Registers a variant as the most recently used and closes the least recently used past the limit. */
export function keepVariant(state: EngineState, id: string, parent: string, model: RunnableModel): void {
  state.models.set(id, model)
  state.variants.delete(id)
  state.variants.set(id, parent)
  while (state.variants.size > OPEN_LIMITS.variants) closeModel(state, state.variants.keys().next().value!)
}

/** Marks a variant as just used, so the limit closes others first. */
export function touchVariant(state: EngineState, id: string): void {
  const parent = state.variants.get(id)
  if (parent === undefined) return
  state.variants.delete(id)
  state.variants.set(id, parent)
}

/**
 * Frees what was closed. The worker calls this only when no call is running, because a job may
 * still hold a data set or model that was closed (or evicted) while it ran.
 */
export async function releaseClosed(state: EngineState): Promise<void> {
  const pending = state.closing.splice(0)
  for (const release of pending) await release().catch(() => undefined)
}
