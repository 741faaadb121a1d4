import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { ERROR_CODES, LabCallError, type LabErrorEnvelope } from '../../protocol/errors'
import type { CallOptions, LabApi } from '../../protocol/lab-api'
import type { Shard } from '../../protocol/selection'
import {
  isHostMethod,
  isMethodName,
  methods,
  type HostMethodName,
  type MethodName,
  type Params,
  type PartialOf,
  type Result,
} from '../../protocol/methods'
import type { BackendChoice } from '../compute/backend'
import type { BackendRequest } from '../compute/backend-names'
import { createCancelFlag, raiseCancelFlag } from '../base/cancel-flag'
import { closeCallFor, OpenJournal, opens, type JournalEntry } from '../session/open-journal'
import { LabError } from '../base/errors'
import { describeZodError, toEnvelope } from '../base/to-envelope'
import { routeFor } from './routing'
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
  /** Opens running now, by method and params, so identical ones share one run. */
  private opening = new Map<string, Promise<{ id: string }>>()
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
      this.slots.map((slot, i) =>
        slot.worker && slot.ready && i !== except ? this.send(i, close.method, close.params, {}).catch(() => undefined) : undefined,
      ),
    )
  }

  /** Runs a close on every worker; the journal keeps how to open the id again. */
  private async closeOnAll(method: MethodName, params: unknown, options: CallOptions): Promise<{ closed: boolean }> {
    const id = (params as { datasetId?: string; modelId?: string }).datasetId ?? (params as { modelId: string }).modelId
    this.journal.forget(id)
    const results = await Promise.all(
      this.slots.map((slot, i) => (i === 0 || slot.worker ? this.send(i, method, params, i === 0 ? options : {}) : null)),
    )
    return { closed: results.some((r) => (r as { closed: boolean } | null)?.closed) }
  }

  /**
   * Opens on every worker. Identical opens in flight share one run: two views (or two clients)
   * opening the same file must not open it twice per worker, and one caller's cancel must not
   * undo what the other is waiting for, so an open runs to its end and a cancelled caller just
   * stops waiting (what it opened stays, as any open does, within OPEN_LIMITS).
   */
  private open(method: MethodName, params: unknown, options: CallOptions): Promise<{ id: string }> {
    const key = `${method} ${JSON.stringify(params)}`
    let shared = this.opening.get(key)
    if (!shared) {
      shared = this.openOnAll(method, params, { onProgress: options.onProgress }).finally(() => this.opening.delete(key))
      this.opening.set(key, shared)
    }
    const signal = options.signal
    if (!signal) return shared
    return new Promise((resolve, reject) => {
      const cancelled = () => reject(new LabCallError({ code: ERROR_CODES.cancelled, message: 'The job was cancelled.' }))
      if (signal.aborted) return cancelled()
      signal.addEventListener('abort', cancelled, { once: true })
      shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', cancelled))
    })
  }

  /**
   * An open is journaled only when it succeeded on all workers (and undone where it did succeed
   * otherwise), so a mistyped path is never replayed; what falls past the open limits is closed.
   */
  private async openOnAll(method: MethodName, params: unknown, options: CallOptions): Promise<{ id: string }> {
    const settled = await Promise.allSettled(this.slots.map((_, i) => this.send(i, method, params, i === 0 ? options : {})))
    const opened = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value as { id: string }] : []))
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (!failed) {
      for (const evicted of this.journal.record(method, params, opened[0].id)) await this.closeOnLiveWorkers(evicted)
      return opened[0]
    }
    if (opened.length && !this.journal.has(opened[0].id))
      await this.closeOnLiveWorkers({ id: opened[0].id, kind: method === 'data.open' ? 'datasets' : 'models' })
    throw failed.reason
  }

  /**
   * Opens again the data set and model a call names, when the journal knows how (a variant after
   * the model it was made from). False when it knows none of them.
   */
  private async reopen(params: unknown): Promise<boolean> {
    const { modelId, datasetId } = params as { modelId?: unknown; datasetId?: unknown }
    let any = false
    for (const id of [modelId, datasetId]) {
      if (typeof id !== 'string') continue
      const chain: JournalEntry[] = []
      for (let entry = this.journal.recipe(id); entry; entry = entry.parent ? this.journal.recipe(entry.parent) : undefined)
        chain.unshift(entry)
      for (const entry of chain) await this.open(entry.method, entry.params, {})
      any ||= chain.length > 0
    }
    return any
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

  private async send(index: number, method: MethodName, params: unknown, options: CallOptions, subShard?: Shard): Promise<unknown> {
    await this.ensureWorker(index)
    return this.post(index, method, params, options, subShard)
  }

  private post(index: number, method: MethodName, params: unknown, options: CallOptions, subShard?: Shard): Promise<unknown> {
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
      const message: HostToWorker = { type: 'call', id, method, params, flag, ...(subShard ? { subShard } : {}) }
      slot.worker!.postMessage(message)
      for (const signal of signals) {
        if (signal.aborted) cancel()
        else signal.addEventListener('abort', cancel, { once: true })
      }
    })
  }

  async call<M extends MethodName>(method: M, params: Params<M>, options: CallOptions<PartialOf<M>> = {}): Promise<Result<M>> {
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
    try {
      return await this.dispatch(method, parsed.data, options)
    } catch (error) {
      // Another client closed what this call names, or it fell past OPEN_LIMITS: ids stand for
      // what was asked for, so it is opened again and the call runs once more.
      const notOpen =
        error instanceof LabCallError && error.code === ERROR_CODES.notFound && method !== 'model.close' && method !== 'data.close'
      if (!notOpen || options.signal?.aborted || !(await this.reopen(parsed.data))) throw error
      return await this.dispatch(method, parsed.data, options)
    }
  }

  private async dispatch<M extends MethodName>(method: M, params: Params<M>, options: CallOptions): Promise<Result<M>> {
    if (isHostMethod(method)) return (await this.runHostMethod(method, params, options)) as Result<M>
    const route = routeFor(method)
    if (route.kind === 'broadcast')
      return (opens(method) ? await this.open(method, params, options) : await this.closeOnAll(method, params, options)) as Result<M>
    if (route.kind === 'shard' && this.slots.length > 1) {
      return (await route.run({
        params,
        workers: this.slots.length,
        options,
        callOn: (worker, shardParams, shardOptions, subShard) => this.send(worker, method, shardParams, shardOptions, subShard),
      })) as Result<M>
    }
    const result = (await this.send(0, method, params, options)) as Result<M>
    // A worker knows its own backend, but only the host knows how big the pool is.
    if (method === 'engine.info') (result as Result<'engine.info'>).workers = this.slots.length
    return result
  }

  /** A method the host answers itself; a named error it raises reaches the caller as a worker's would. */
  private async runHostMethod(method: HostMethodName, params: unknown, options: CallOptions): Promise<unknown> {
    // Loaded on first use: the report and shard code brings TF.js, which a host process (the CLI's,
    // the app's main process) otherwise never needs.
    const { hostMethods } = await import('./host-methods')
    const run = hostMethods[method] as (params: unknown, options: CallOptions, engine: unknown) => Promise<unknown>
    try {
      return await run(params, options, { call: this.call.bind(this), backendName: this.backend.backend })
    } catch (error) {
      if (error instanceof LabError) throw new LabCallError(toEnvelope(error))
      throw error
    }
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
