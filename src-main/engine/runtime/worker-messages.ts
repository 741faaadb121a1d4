import type { BackendChoice } from '../compute/backend'
import type { BackendRequest, ForwardEngine } from '../compute/backend-names'
import type { ServerMessage } from '../../protocol/messages'
import type { Shard } from '../../protocol/selection'

export interface WorkerInit {
  backend?: BackendRequest
  /** The engine mode of the pool's first worker, for the ones started after it. */
  forward?: ForwardEngine
  workerIndex: number
  workerCount: number
}

export type HostToWorker =
  { type: 'call'; id: string; method: string; params: unknown; flag: SharedArrayBuffer; subShard?: Shard } | { type: 'cancel'; id: string }

export type WorkerToHost =
  ServerMessage | { type: 'ready'; backend: BackendChoice } | { type: 'fatal'; error: { code: string; message: string; detail?: string } }
