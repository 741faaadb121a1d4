import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { ERROR_CODES, LabCallError, type LabErrorEnvelope } from '../protocol/errors'
import type { CallOptions, LabApi } from '../protocol/lab-api'
import { isMethodName, methods, type MethodName, type Params, type Result } from '../protocol/methods'
import type { BackendChoice, BackendRequest } from './backend'
import { createCancelFlag, raiseCancelFlag } from './cancel-flag'
import { closeCallFor, OpenJournal, opens, type JournalEntry } from './open-journal'
import { routeFor } from './routing'
import { describeZodError } from './to-envelope'
import type { HostToWorker, WorkerInit, WorkerToHost } from './worker-messages'
import { spawnEngineWorker } from './worker-url'

export interface EngineHostOptions {
  /** Force one backend (else HFC_BACKEND, else the first that loads). */
  backend?: BackendRequest
  /** Pool size for wasm/cpu; native backends always get exactly one worker. Default: one per core. */
  workers?: number
  /** Cancels every call, running or later, when aborted (a CLI's Ctrl+C), as each call's own signal would. */
  signal?: AbortSignal
}

interface PendingCall {
  options: CallOptions
  resolve(value: unknown): void
  reject(error: LabCallError): void
  flag: SharedArrayBuffer
  slot: number
}

interface Slot {
  worker: Worker | null
  ready: Promise<void> | null
  calls: Map<string, PendingCall>
  restarts: number
}

let nextId = 0

/**
 * The one door into the engine: typed calls with ids, progress/partial events, cancellation and
 * errors as values. It owns the worker pool, restarts a crashed worker (replaying what was opened)
 * and keeps the native addon, if any, inside one worker that is never re-created.
 */
export class EngineHost implements LabApi {
  private slots: Slot[] = []
  private choice: BackendChoice | null = null
  /** What every worker has open (successful opens only), replayed into a restarted or new worker. */
  private journal = new OpenJournal()
  private closed = false

  private constructor(private readonly options: EngineHostOptions) {}

  static async start(options: EngineHostOptions = {}): Promise<EngineHost> {
    const host = new EngineHost(options)
    host.slots.push({ worker: null, ready: null, calls: new Map(), restarts: 0 })
    await host.ensureWorker(0)
    const choice = host.choice!
    const wanted = choice.singleWorker ? 1 : Math.max(1, options.workers ?? availableParallelism())
    for (let i = 1; i < wanted; i++) host.slots.push({ worker: null, ready: null, calls: new Map(), restarts: 0 })
    return host
  }

  get backend(): BackendChoice {
    if (!this.choice) throw new Error('EngineHost not started')
    return this.choice
  }

  get workerCount(): number {
    return this.slots.length
  }

  private ensureWorker(index: number): Promise<void> {
    const slot = this.slots[index]
    if (slot.ready) return slot.ready
    const init: WorkerInit = {
      backend: this.options.backend === 'onnxruntime' ? 'onnxruntime' : (this.choice?.backend ?? this.options.backend),
      forward: this.choice?.forward,
      workerIndex: index,
      workerCount: Math.max(this.slots.length, 1),
    }
    const worker = spawnEngineWorker({ workerData: init })
    slot.worker = worker
    const started = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: WorkerToHost) => {
        if (message.type === 'ready') {
          this.choice ??= message.backend
          resolve()
        } else if (message.type === 'fatal') {
          reject(new LabCallError(message.error))
        } else {
          this.deliver(slot, message)
        }
      })
      worker.on('error', (error) => this.onCrash(index, error))
      worker.on('exit', (code) => {
        if (!this.closed) this.onCrash(index, new Error(`engine worker exited with code ${code}`))
      })
    })
    const ready = started.then(() => this.replay(index))
    slot.ready = ready
    // A worker that could not start (or died replaying) is ended, not left running beside the next one.
    ready.catch(() => {
      worker.removeAllListeners()
      void worker.terminate()
      if (slot.worker === worker) slot.worker = null
      if (slot.ready === ready) slot.ready = null
    })
    return ready
  }

  private async replay(index: number): Promise<void> {
    for (const entry of this.journal.list()) {
      try {
        await this.post(index, entry.method, entry.params, {})
      } catch (error) {
        if (error instanceof LabCallError && error.code === ERROR_CODES.engineCrashed) throw error
        // What opened before no longer does (the file changed or went): it is closed everywhere,
        // so the worker still starts and the next use says to open it again.
        for (const gone of this.journal.forget(entry.id)) void this.closeOnLiveWorkers(gone, index)
      }
    }
  }

  /** Closes an opened id on every running worker except `except`; failures only mean it was not open. */
  private async closeOnLiveWorkers(entry: Pick<JournalEntry, 'id' | 'kind'>, except = -1): Promise<void> {
    const close = closeCallFor(entry)
    await Promise.all(
      this.slots.map((slot, i) => (slot.worker && slot.ready && i !== except ? this.send(i, close.method, close.params, {}).catch(() => undefined) : undefined)),
    )
  }

  /**
   * Runs an open or close on every worker. An open is journaled only when it succeeded on all of
   * them (and undone where it did succeed otherwise), so a mistyped path is never replayed; what
   * falls past the open limits is closed.
   */
  private async broadcast(method: MethodName, params: unknown, options: CallOptions): Promise<unknown> {
    if (!opens(method)) {
      const id = (params as { datasetId?: string; modelId?: string }).datasetId ?? (params as { modelId: string }).modelId
      this.journal.forget(id)
      const results = await Promise.all(this.slots.map((slot, i) => (i === 0 || slot.worker ? this.send(i, method, params, i === 0 ? options : {}) : null)))
      return { closed: results.some((r) => (r as { closed: boolean } | null)?.closed) }
    }
    const settled = await Promise.allSettled(this.slots.map((_, i) => this.send(i, method, params, i === 0 ? options : {})))
    const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value as { id: string }] : []))
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (!failed) {
      for (const evicted of this.journal.record(method, params, opened[0].id)) await this.closeOnLiveWorkers(evicted)
      return opened[0]
    }
    if (opened.length && !this.journal.has(opened[0].id)) await this.closeOnLiveWorkers({ id: opened[0].id, kind: method === 'data.open' ? 'datasets' : 'models' })
    throw failed.reason
  }

  private onCrash(index: number, error: Error): void {
    const slot = this.slots[index]
    if (!slot || !slot.worker) return
    slot.worker.removeAllListeners()
    slot.worker = null
    slot.ready = null
    slot.restarts++
    const envelope: LabErrorEnvelope = {
      code: ERROR_CODES.engineCrashed,
      message: 'The engine worker stopped unexpectedly and was restarted. Run the job again; if it repeats, try smaller batches.',
      detail: error.stack ?? error.message,
    }
    for (const call of slot.calls.values()) call.reject(new LabCallError(envelope))
    slot.calls.clear()
  }

  private deliver(slot: Slot, message: Exclude<WorkerToHost, { type: 'ready' } | { type: 'fatal' }>): void {
    const call = slot.calls.get(message.id)
    if (!call) return
    switch (message.type) {
      case 'progress':
        call.options.onProgress?.(message.progress)
        return
      case 'partial':
        call.options.onPartial?.(message.data)
        return
      case 'result':
        slot.calls.delete(message.id)
        call.resolve(message.result)
        return
      case 'error':
        slot.calls.delete(message.id)
        call.reject(new LabCallError(message.error))
        return
      case 'cancelled':
        slot.calls.delete(message.id)
        call.reject(new LabCallError({ code: ERROR_CODES.cancelled, message: 'The job was cancelled.' }))
    }
  }

  private async send(index: number, method: MethodName, params: unknown, options: CallOptions): Promise<unknown> {
    await this.ensureWorker(index)
    return this.post(index, method, params, options)
  }

  private post(index: number, method: MethodName, params: unknown, options: CallOptions): Promise<unknown> {
    const slot = this.slots[index]
    const id = `c${++nextId}`
    const flag = createCancelFlag()
    const signals = [options.signal, this.options.signal].filter((signal) => signal !== undefined)
    const cancel = () => raiseCancelFlag(flag)
    // A long-lived signal (the host's) outlives thousands of calls: drop each call's listener when it settles.
    const settled = () => signals.forEach((signal) => signal.removeEventListener('abort', cancel))
    return new Promise((resolve, reject) => {
      slot.calls.set(id, {
        options,
        resolve: (value) => {
          settled()
          resolve(value)
        },
        reject: (error) => {
          settled()
          reject(error)
        },
        flag,
        slot: index,
      })
      const message: HostToWorker = { type: 'call', id, method, params, flag }
      slot.worker!.postMessage(message)
      for (const signal of signals) {
        if (signal.aborted) cancel()
        else signal.addEventListener('abort', cancel, { once: true })
      }
    })
  }

  async call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions = {}): Promise<Result<M>> {
    if (this.closed) throw new LabCallError({ code: ERROR_CODES.internal, message: 'The engine is shut down.' })
    if (!isMethodName(method)) {
      throw new LabCallError({ code: ERROR_CODES.unknownMethod, message: `Unknown method "${String(method)}".` })
    }
    const parsed = methods[method].params.safeParse(params ?? {})
    if (!parsed.success) {
      throw new LabCallError({
        code: ERROR_CODES.invalidRequest,
        message: `Invalid request for ${method}: ${describeZodError(parsed.error)}. Correct the values and try again.`,
      })
    }
    const route = routeFor(method)
    if (route.kind === 'broadcast') return (await this.broadcast(method, parsed.data, options)) as Result<M>
    if (route.kind === 'shard' && this.slots.length > 1) {
      return (await route.run({
        params: parsed.data,
        workers: this.slots.length,
        options,
        callOn: (worker, shardParams, shardOptions) => this.send(worker, method, shardParams, shardOptions),
      })) as Result<M>
    }
    const result = (await this.send(0, method, parsed.data, options)) as Result<M>
    // A worker knows its own backend, but only the host knows how big the pool is.
    if (method === 'engine.info') (result as Result<'engine.info'>).workers = this.slots.length
    return result
  }

  /** Kills one worker as a crash would (used by tests to pin the restart path). */
  async crashWorkerForTest(index = 0): Promise<void> {
    const worker = this.slots[index]?.worker
    if (worker) await worker.terminate()
  }

  restartCount(index = 0): number {
    return this.slots[index]?.restarts ?? 0
  }

  async close(): Promise<void> {
    this.closed = true
    await Promise.all(this.slots.map((slot) => slot.worker?.terminate()))
    this.slots = []
  }
}
