import type { BackendChoice, BackendRequest } from './backend'
import type { ServerMessage } from '../protocol/messages'

export interface WorkerInit {
  backend?: BackendRequest
  workerIndex: number
  workerCount: number
}

export type HostToWorker =
  | { type: 'call'; id: string; method: string; params: unknown; flag: SharedArrayBuffer }
  | { type: 'cancel'; id: string }

export type WorkerToHost =
  | ServerMessage
  | { type: 'ready'; backend: BackendChoice }
  | { type: 'fatal'; error: { code: string; message: string; detail?: string } }
