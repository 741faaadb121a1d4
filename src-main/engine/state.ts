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
}

export function createState(backend: BackendChoice, workerIndex: number, workerCount: number): EngineState {
  return { backend, workerIndex, workerCount, datasets: new Map(), models: new Map() }
}
