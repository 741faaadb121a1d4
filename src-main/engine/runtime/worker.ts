import { parentPort, workerData } from 'node:worker_threads'
import { ERROR_CODES } from '../../protocol/errors'
import { isMethodName, methods } from '../../protocol/methods'
import { chooseBackend } from '../compute/backend'
import { signalFromFlag } from '../base/cancel-flag'
import { handlers } from '../handlers'
import type { Handler } from '../handlers/types'
import { CancelledError, type JobContext } from '../base/job-context'
import { registerEngineOps } from '../compute/register-ops'
import { createState, releaseClosed, type EngineState } from '../session/state'
import { toEnvelope } from '../base/to-envelope'
import type { HostToWorker, WorkerInit, WorkerToHost } from './worker-messages'

/** Progress is posted at most this often (the UI needs one at least every 250 ms). */
const PROGRESS_INTERVAL_MS = 100

const port = parentPort
if (!port) throw new Error('engine/worker.ts must run inside a worker_thread')
const init = workerData as WorkerInit
const post = (message: WorkerToHost) => port.postMessage(message)

function contextFor(id: string, flag: SharedArrayBuffer): JobContext {
  let last = 0
  return {
    signal: signalFromFlag(flag),
    progress(done, total, phase) {
      const now = performance.now()
      if (now - last < PROGRESS_INTERVAL_MS && done < total) return
      last = now
      post({ type: 'progress', id, progress: { done, total, phase } })
    },
    partial(data) {
      post({ type: 'partial', id, data })
    },
  }
}

async function handleCall(state: EngineState, message: Extract<HostToWorker, { type: 'call' }>): Promise<void> {
  const { id, method } = message
  if (!isMethodName(method) || !Object.prototype.hasOwnProperty.call(handlers, method)) {
    // A method the host runs itself (HOST_METHODS) never reaches a worker through the host.
    post({
      type: 'error',
      id,
      error: { code: ERROR_CODES.unknownMethod, message: `Unknown method "${method}". Update the app so client and engine match.` },
    })
    return
  }
  const handler = (handlers as Record<string, unknown>)[method] as Handler<typeof method>
  const ctx = contextFor(id, message.flag)
  try {
    // The host's sub-shard travels beside the params, which hold only what a client may send.
    const parsed = methods[method].params.parse(message.params)
    const params = message.subShard ? { ...parsed, subShard: message.subShard } : parsed
    const result = await handler(params as never, ctx, state)
    if (ctx.signal.aborted) post({ type: 'cancelled', id })
    else post({ type: 'result', id, result })
  } catch (error) {
    if (error instanceof CancelledError || ctx.signal.aborted) post({ type: 'cancelled', id })
    else post({ type: 'error', id, error: toEnvelope(error) })
  }
}

async function main(): Promise<void> {
  let state: EngineState
  try {
    const backend = await chooseBackend(init.backend, init.forward)
    registerEngineOps(backend.backend)
    state = createState(backend, init.workerIndex, init.workerCount)
  } catch (error) {
    post({ type: 'fatal', error: toEnvelope(error) })
    return
  }
  let running = 0
  port!.on('message', (message: HostToWorker) => {
    if (message.type !== 'call') return
    running++
    void handleCall(state, message).finally(() => {
      if (--running === 0) void releaseClosed(state)
    })
  })
  post({ type: 'ready', backend: state.backend })
}

void main()
