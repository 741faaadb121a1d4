import type { BackendChoice } from './backend'
import type { Dataset } from './data/dataset'
import type { Classifier } from './models/classifier'

/** The engine's only mutable state: what this worker has opened, by id. */
export interface EngineState {
  backend: BackendChoice
  workerIndex: number
  workerCount: number
  datasets: Map<string, Dataset>
  models: Map<string, Classifier>
  /** Finished curve runs, kept so the UI can fetch the examples behind a point. */
  runs: Map<string, StoredRun>
}

export interface StoredRun {
  datasetId: string
  indices: Int32Array
  labels: Int32Array
  shape: [number, number, number]
  entries: { distances: Float32Array; adversarialCorrect: Uint8Array; adversarial: Float32Array }[]
}

export function createState(backend: BackendChoice, workerIndex: number, workerCount: number): EngineState {
  return { backend, workerIndex, workerCount, datasets: new Map(), models: new Map(), runs: new Map() }
}
